import FangyiEvents
import FangyiService
import Foundation
import PostgresNIO

/// An inventory change the data does not allow (e.g. capacity below occupancy).
struct InventoryConflict: Error, Sendable {
    let code: String
    let message: String
}

extension AllocatorStore {
    /// Creates or replaces areas and their adjacency.
    func upsertAreas(_ areas: [AreaSpec]) async throws {
        guard !areas.isEmpty else { return }
        // Adjacency travels as one comma-joined string per area (arrays of arrays are not rectangular).
        try await execute("""
            INSERT INTO areas (area_code, name, adjacent)
            SELECT c, NULLIF(n, ''), CASE WHEN a = '' THEN '{}'::text[] ELSE string_to_array(a, ',') END
            FROM unnest(\(areas.map(\.code))::text[], \(areas.map { $0.name ?? "" })::text[],
                        \(areas.map { $0.adjacent.joined(separator: ",") })::text[]) AS t(c, n, a)
            ON CONFLICT (area_code) DO UPDATE SET name = EXCLUDED.name, adjacent = EXCLUDED.adjacent
            """)
    }

    /// Adds a facility and its units; false when a facility with that id exists (left unchanged).
    func insertFacility(_ spec: FacilitySpec, defaultLead: Duration) async throws -> Bool {
        let lead = spec.activationLeadHours.map { Int64(($0 * 3600).rounded()) } ?? defaultLead.components.seconds
        let rows = try await connection.query("""
            INSERT INTO facilities (facility_id, name, kind, area_code, status, activation_lead_s, ventilators, ecmo)
            VALUES (\(spec.id), \(spec.name), \(spec.kind.rawValue), \(spec.areaCode), \(spec.status.rawValue), \(lead),
                    \(spec.ventilators), \(spec.ecmo))
            ON CONFLICT (facility_id) DO NOTHING RETURNING facility_id
            """, logger: logger)
        var inserted = false
        for try await _ in rows.decode(String.self) { inserted = true }
        guard inserted else { return false }
        for (type, count) in spec.units.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where count > 0 {
            try await addUnits(facilityId: spec.id, type: type, from: 1, through: count)
        }
        return true
    }

    private func addUnits(facilityId: String, type: UnitType, from first: Int, through last: Int) async throws {
        guard last >= first else { return }
        let numbers = Array(first...last)
        let ids = numbers.map { FacilitySpec.unitID(facilityId: facilityId, type: type, number: $0) }
        try await execute("""
            INSERT INTO units (facility_id, unit_id, unit_type, seq)
            SELECT \(facilityId), u, \(type.rawValue), s FROM unnest(\(ids)::text[], \(numbers)::int4[]) AS t(u, s)
            ON CONFLICT (facility_id, unit_id) DO UPDATE SET status = 'inService' WHERE units.status = 'retired'
            """)
    }

    /// Sets the number of units of a type. Growing adds units (reviving retired ones first);
    /// shrinking retires free units, highest numbers first, and never an occupied one: asking
    /// for fewer units than are occupied is a conflict. Returns the previous count.
    func setCapacity(facilityId: String, type: UnitType, total: Int) async throws -> Int {
        try await execute("SELECT 1 FROM facilities WHERE facility_id = \(facilityId) FOR UPDATE")
        let rows = try await connection.query("""
            SELECT count(*) FILTER (WHERE status <> 'retired')::int8, count(*) FILTER (WHERE occupant IS NOT NULL)::int8,
                   coalesce(max(seq), 0)::int8
            FROM units WHERE facility_id = \(facilityId) AND unit_type = \(type.rawValue)
            """, logger: logger)
        var current = 0, occupied = 0, highest = 0
        for try await (c, o, h) in rows.decode((Int64, Int64, Int64).self) { (current, occupied, highest) = (Int(c), Int(o), Int(h)) }
        if total < occupied {
            throw InventoryConflict(code: "capacity.below_occupancy",
                                    message: "\(facilityId) has \(occupied) \(type.rawValue) occupied; capacity cannot go below that (asked \(total))")
        }
        if total > current {
            // Revive retired units first (lowest numbers), then add new numbers.
            try await execute("""
                UPDATE units SET status = 'inService' WHERE (facility_id, unit_id) IN (
                    SELECT facility_id, unit_id FROM units WHERE facility_id = \(facilityId) AND unit_type = \(type.rawValue)
                    AND status = 'retired' ORDER BY seq LIMIT \(total - current))
                """)
            let revivedRows = try await connection.query("""
                SELECT count(*)::int8 FROM units WHERE facility_id = \(facilityId) AND unit_type = \(type.rawValue) AND status <> 'retired'
                """, logger: logger)
            var now = current
            for try await count in revivedRows.decode(Int64.self) { now = Int(count) }
            try await addUnits(facilityId: facilityId, type: type, from: highest + 1, through: highest + (total - now))
        } else if total < current {
            // Units taken meanwhile by an allocation are not retired (the lock skips them, the
            // re-check drops them); fewer retired than asked is refused, nothing changes.
            let retired = try await connection.query("""
                UPDATE units SET status = 'retired' WHERE (facility_id, unit_id) IN (
                    SELECT facility_id, unit_id FROM units WHERE facility_id = \(facilityId) AND unit_type = \(type.rawValue)
                    AND status <> 'retired' AND occupant IS NULL ORDER BY seq DESC LIMIT \(current - total) FOR UPDATE SKIP LOCKED)
                AND occupant IS NULL RETURNING unit_id
                """, logger: logger)
            var count = 0
            for try await _ in retired.decode(String.self) { count += 1 }
            if count < current - total {
                throw InventoryConflict(code: "capacity.below_occupancy",
                                        message: "\(facilityId) has too few free \(type.rawValue) to go down to \(total) now (units are being assigned); try again")
            }
        }
        return current
    }

    /// Takes a unit out of service (cleaning, closed) or back in. An occupied unit cannot leave
    /// service. Returns the unit's type, or nil when there is no such unit.
    func setUnitStatus(facilityId: String, unitId: String, status: String) async throws -> UnitType? {
        let rows = try await connection.query("""
            SELECT unit_type, occupant, status FROM units WHERE facility_id = \(facilityId) AND unit_id = \(unitId) FOR UPDATE
            """, logger: logger)
        var found: (String, String?, String)?
        for try await row in rows.decode((String, String?, String).self) { found = row }
        guard let (type, occupant, current) = found, current != "retired", let unitType = UnitType(rawValue: type) else { return nil }
        if occupant != nil && status != "inService" {
            throw InventoryConflict(code: "unit.occupied", message: "\(unitId) is occupied; release or transfer its occupant first")
        }
        try await execute("UPDATE units SET status = \(status) WHERE facility_id = \(facilityId) AND unit_id = \(unitId)")
        return unitType
    }

    /// Sets a facility's status from one of `from`; false when it was in none of them.
    func setFacilityStatus(_ facilityId: String, to status: FacilityStatus, from: [FacilityStatus], readyAt: Date? = nil) async throws -> Bool {
        let rows = try await connection.query("""
            UPDATE facilities SET status = \(status.rawValue), ready_at = \(readyAt), updated_at = now()
            WHERE facility_id = \(facilityId) AND status = ANY(\(from.map(\.rawValue))::text[]) RETURNING facility_id
            """, logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    /// Locks a facility's row for update (conflicts with the key-share lock of unit takers).
    func lockFacility(_ facilityId: String) async throws {
        try await execute("SELECT 1 FROM facilities WHERE facility_id = \(facilityId) FOR UPDATE")
    }

    /// Subjects holding a unit at a facility.
    func occupants(ofFacility facilityId: String) async throws -> [String] {
        let rows = try await connection.query("""
            SELECT DISTINCT subject_ref FROM assignments WHERE facility_id = \(facilityId) AND released_at IS NULL ORDER BY 1
            """, logger: logger)
        var refs: [String] = []
        for try await ref in rows.decode(String.self) { refs.append(ref) }
        return refs
    }
}
