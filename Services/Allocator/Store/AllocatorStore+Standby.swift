import FangyiEvents
import Foundation
import PostgresNIO

extension AllocatorStore {
    /// Quarantine rooms of the active sites in each area: in service, occupied, and people
    /// waiting for a room in that area.
    func quarantineLoad(areas: [String]) async throws -> [String: (inService: Int, occupied: Int, waiting: Int)] {
        guard !areas.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT a.area_code,
                   coalesce((SELECT sum(c.total - c.out_of_service) FROM pool_counts c JOIN facilities f ON f.facility_id = c.facility_id
                             WHERE f.kind = 'quarantineSite' AND f.status = 'active' AND f.area_code = a.area_code), 0)::int8,
                   coalesce((SELECT sum(c.occupied) FROM pool_counts c JOIN facilities f ON f.facility_id = c.facility_id
                             WHERE f.kind = 'quarantineSite' AND f.status = 'active' AND f.area_code = a.area_code), 0)::int8,
                   (SELECT count(*) FROM waitlist w WHERE w.facility_kind = 'quarantineSite' AND w.area_code = a.area_code)::int8
            FROM unnest(\(areas)::text[]) AS a(area_code)
            """, logger: logger)
        var loads: [String: (Int, Int, Int)] = [:]
        for try await (area, inService, occupied, waiting) in rows.decode((String, Int64, Int64, Int64).self) {
            loads[area] = (Int(inService), Int(occupied), Int(waiting))
        }
        return loads
    }

    /// The areas' standby levels (0 when never crossed); with `lock`, their rows are created
    /// if missing and locked in area order first.
    func areaLevels(_ areas: [String], lock: Bool) async throws -> [String: Int] {
        let sorted = Array(Set(areas)).sorted()
        if lock {
            try await execute("INSERT INTO area_quarantine_levels (area_code) SELECT unnest(\(sorted)::text[]) ORDER BY 1 ON CONFLICT DO NOTHING")
        }
        let rows = try await connection.query(lock
            ? "SELECT area_code, level FROM area_quarantine_levels WHERE area_code = ANY(\(sorted)::text[]) ORDER BY 1 FOR UPDATE"
            : "SELECT area_code, level FROM area_quarantine_levels WHERE area_code = ANY(\(sorted)::text[])", logger: logger)
        var levels: [String: Int] = [:]
        for try await (area, level) in rows.decode((String, Int).self) { levels[area] = level }
        return levels
    }

    /// Stores an area's quarantine threshold level.
    func saveAreaLevel(_ area: String, level: Int) async throws {
        try await execute("UPDATE area_quarantine_levels SET level = \(level) WHERE area_code = \(area)")
    }

    /// Moves a standby facility to activating (ready at `readyAt`), or straight to active when
    /// it is ready now; false when it was no longer on standby (another instance got there first).
    func activate(_ facilityId: String, readyAt: Date, now: Date) async throws -> Bool {
        let status = readyAt <= now ? FacilityStatus.active : .activating
        let rows = try await connection.query("""
            UPDATE facilities SET status = \(status.rawValue), ready_at = \(status == .active ? nil : readyAt), updated_at = now()
            WHERE facility_id = \(facilityId) AND status = 'standby' RETURNING facility_id
            """, logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    /// Opens the activating facilities whose ready time has come; returns them.
    func openReadyFacilities(now: Date) async throws -> [FacilityRecord] {
        let rows = try await connection.query("""
            UPDATE facilities SET status = 'active', ready_at = NULL, updated_at = now()
            WHERE status = 'activating' AND ready_at <= \(now)
            RETURNING \(unescaped: Self.facilityColumns)
            """, logger: logger)
        return try await Self.facilityRecords(rows)
    }

    /// Units a facility has (not retired), by type (from the kept counts).
    func unitCounts(facilityId: String) async throws -> [UnitType: Int] {
        let rows = try await connection.query("""
            SELECT unit_type, total FROM pool_counts WHERE facility_id = \(facilityId) AND total > 0
            """, logger: logger)
        var counts: [UnitType: Int] = [:]
        for try await (type, count) in rows.decode((String, Int).self) {
            if let type = UnitType(rawValue: type) { counts[type] = count }
        }
        return counts
    }
}

extension AllocatorStore {
    /// Persons whose quarantine (or care during quarantine) has reached its end and who have a
    /// negative sample inside the release window: the schedule releases them.
    /// Pages by subject ref after `after`. Units kept for a waiting request (a contact turned
    /// case waiting for a bed) are left out: the planner keeps them, and they would fill every page.
    func releasableQuarantines(now: Date, window: Duration, after: String, limit: Int) async throws -> [String] {
        let seconds = Double(window.components.seconds)
        let rows = try await connection.query("""
            SELECT DISTINCT a.subject_ref FROM assignments a JOIN persons p ON p.subject_ref = a.subject_ref
            WHERE a.released_at IS NULL AND a.purpose IN ('quarantine', 'care') AND a.expected_end <= \(now)
              AND a.subject_ref > \(after)
              AND to_timestamp((p.state->>'lastNegativeAt')::float8) >= a.expected_end - make_interval(secs => \(seconds))
              AND (p.state->>'lastNonNegativeAt' IS NULL
                   OR (p.state->>'lastNonNegativeAt')::float8 < (p.state->>'lastNegativeAt')::float8)
              AND NOT EXISTS (SELECT 1 FROM waitlist w WHERE w.replaces_assignment_id = a.assignment_id)
            ORDER BY 1 LIMIT \(limit)
            """, logger: logger)
        var refs: [String] = []
        for try await ref in rows.decode(String.self) { refs.append(ref) }
        return refs
    }

    /// Quarantines past their end still waiting for a negative release test.
    func quarantinesAwaitingTest(now: Date, window: Duration) async throws -> Int {
        let seconds = Double(window.components.seconds)
        let rows = try await connection.query("""
            SELECT count(*)::int8 FROM assignments a JOIN persons p ON p.subject_ref = a.subject_ref
            WHERE a.released_at IS NULL AND a.purpose IN ('quarantine', 'care') AND a.expected_end <= \(now)
              AND ((p.state->>'lastNegativeAt') IS NULL
                   OR to_timestamp((p.state->>'lastNegativeAt')::float8) < a.expected_end - make_interval(secs => \(seconds)))
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    /// Closing facilities with nobody left: back to standby. Returns them.
    func standDownEmptyClosing() async throws -> [String] {
        let rows = try await connection.query("""
            UPDATE facilities f SET status = 'standby', updated_at = now()
            WHERE f.status = 'closing' AND NOT EXISTS (SELECT 1 FROM units u WHERE u.facility_id = f.facility_id AND u.occupant IS NOT NULL)
            RETURNING f.facility_id
            """, logger: logger)
        var ids: [String] = []
        for try await id in rows.decode(String.self) { ids.append(id) }
        return ids
    }
}
