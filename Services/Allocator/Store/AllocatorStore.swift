import FangyiEvents
import Foundation
import Logging
import PostgresNIO

/// The allocator schema's SQL, run on one connection (inside a transaction).
///
/// Set-based: each method takes every row of a batch in one statement (`unnest` of arrays).
/// Not `Sendable`: it belongs to the transaction it was made for.
struct AllocatorStore {
    let connection: PostgresConnection
    let logger: Logger

    /// Nullable values travel in arrays as sentinels (PostgresNIO arrays carry no NULLs).
    static func orEmpty(_ value: String?) -> String { value ?? "" }
    static let noDate = Date(timeIntervalSince1970: 0)

    /// Person state and needs are stored as JSON with dates as seconds since 1970 (a `Double`,
    /// so a date reads back exactly as it was written).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    func execute(_ query: PostgresQuery) async throws {
        try await connection.query(query, logger: logger)
    }

    // MARK: persons

    /// Locks the persons' rows (creating missing ones) in subject-ref order, then reads their
    /// state in a fresh statement, which sees everything committed before the locks were granted.
    func lockPersons(_ refs: [String]) async throws -> [String: PersonState] {
        let sorted = Array(Set(refs)).sorted()
        guard !sorted.isEmpty else { return [:] }
        try await execute("INSERT INTO persons (subject_ref) SELECT unnest(\(sorted)::text[]) ORDER BY 1 ON CONFLICT DO NOTHING")
        try await execute("SELECT 1 FROM persons WHERE subject_ref = ANY(\(sorted)::text[]) ORDER BY subject_ref FOR UPDATE")
        let rows = try await connection.query(
            "SELECT subject_ref, state::text FROM persons WHERE subject_ref = ANY(\(sorted)::text[])", logger: logger)
        var states: [String: PersonState] = [:]
        for try await (ref, json) in rows.decode((String, String?).self) {
            let stored = json.flatMap { try? Self.decoder.decode(PersonState.self, from: Data($0.utf8)) }
            states[ref] = stored ?? PersonState(subjectRef: ref)
        }
        return states
    }

    /// Which of the subjects the allocator has a record of.
    func knownPersons(_ refs: [String]) async throws -> Set<String> {
        let rows = try await connection.query(
            "SELECT subject_ref FROM persons WHERE subject_ref = ANY(\(Array(Set(refs)))::text[])", logger: logger)
        var known = Set<String>()
        for try await ref in rows.decode(String.self) { known.insert(ref) }
        return known
    }

    /// Writes the persons' state.
    func savePersons(_ states: [PersonState]) async throws {
        guard !states.isEmpty else { return }
        let refs = states.map(\.subjectRef)
        let json = try states.map { String(decoding: try Self.encoder.encode($0), as: UTF8.self) }
        try await execute("""
            UPDATE persons p SET state = t.s::jsonb, updated_at = now()
            FROM unnest(\(refs)::text[], \(json)::text[]) AS t(r, s) WHERE p.subject_ref = t.r
            """)
    }

    // MARK: what persons hold and wait for

    /// The active assignments of the persons.
    func held(by refs: [String]) async throws -> [String: [HeldUnit]] {
        guard !refs.isEmpty else { return [:] }
        return try await heldUnits(where: "a.subject_ref = ANY(\(refs)::text[])")
    }

    /// Active assignments by id.
    func held(ids: [String]) async throws -> [String: HeldUnit] {
        guard !ids.isEmpty else { return [:] }
        var byId: [String: HeldUnit] = [:]
        for unit in try await heldUnits(where: "a.assignment_id = ANY(\(ids)::text[])").values.joined() { byId[unit.assignmentId] = unit }
        return byId
    }

    private func heldUnits(where condition: PostgresQuery) async throws -> [String: [HeldUnit]] {
        var query = PostgresQuery(unsafeSQL: """
            SELECT a.subject_ref, a.assignment_id, a.purpose, a.facility_id, a.facility_kind, a.unit_id, a.unit_type, a.ventilator,
                   a.expected_end, f.status = 'closing'
            FROM assignments a JOIN facilities f ON f.facility_id = a.facility_id WHERE a.released_at IS NULL AND\u{20}
            """)
        query.sql += condition.sql
        query.binds = condition.binds
        let rows = try await connection.query(query, logger: logger)
        var held: [String: [HeldUnit]] = [:]
        for try await (ref, id, purpose, facility, kind, unit, type, ventilator, end, closing)
            in rows.decode((String, String, String, String, String, String, String, Bool, Date?, Bool).self) {
            guard let purpose = AssignmentPurpose(rawValue: purpose), let kind = FacilityKind(rawValue: kind),
                  let type = UnitType(rawValue: type) else { continue }
            held[ref, default: []].append(HeldUnit(assignmentId: id, purpose: purpose, facilityId: facility, facilityKind: kind,
                                                   unitId: unit, unitType: type, ventilator: ventilator, expectedEnd: end,
                                                   facilityClosing: closing))
        }
        return held
    }

    /// The persons' waitlist rows, locked (waiting for another transaction that holds them).
    func lockWaiting(of refs: [String]) async throws -> [String: [WaitlistRecord]] {
        guard !refs.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT \(unescaped: Self.waitlistColumns) FROM waitlist WHERE subject_ref = ANY(\(refs)::text[])
            ORDER BY assignment_id FOR UPDATE
            """, logger: logger)
        var waiting: [String: [WaitlistRecord]] = [:]
        for record in try await Self.waitlistRecords(rows) { waiting[record.subjectRef, default: []].append(record) }
        return waiting
    }

    /// The head of the waitlist for a facility kind among people who accept one of `types`,
    /// in priority order, locking the rows it returns and skipping rows another transaction
    /// holds (that person is being changed there) and persons this transaction already handles.
    func lockWaitlistHead(kind: FacilityKind, types: Set<UnitType>, limit: Int, excluding refs: Set<String>) async throws -> [WaitlistRecord] {
        guard limit > 0, !types.isEmpty else { return [] }
        let rows = try await connection.query("""
            SELECT \(unescaped: Self.waitlistColumns) FROM waitlist
            WHERE facility_kind = \(kind.rawValue) AND unit_types && \(types.map(\.rawValue))::text[]
              AND NOT (subject_ref = ANY(\(Array(refs))::text[]))
            ORDER BY severity_rank DESC, vulnerable DESC, waiting_since, subject_ref
            LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, logger: logger)
        return try await Self.waitlistRecords(rows)
    }

    static let waitlistColumns = """
        assignment_id, subject_ref, need::text, area_code, severity_rank, vulnerable, waiting_since,
        replaces_assignment_id, waitlisted_at
        """

    static func waitlistRecords(_ rows: PostgresRowSequence) async throws -> [WaitlistRecord] {
        var records: [WaitlistRecord] = []
        for try await (id, ref, needJSON, area, rank, vulnerable, since, replaces, at)
            in rows.decode((String, String, String, String, Int, Bool, Date, String?, Date).self) {
            guard let need = try? decoder.decode(Need.self, from: Data(needJSON.utf8)) else { continue }
            records.append(WaitlistRecord(
                request: WaitingRequest(assignmentId: id, need: need, replacesAssignmentId: replaces), subjectRef: ref,
                areaCode: area, priority: Priority(severityRank: rank, vulnerable: vulnerable, since: since, subjectRef: ref),
                waitlistedAt: at))
        }
        return records
    }

    /// Adds waitlist rows.
    func insertWaitlist(_ records: [WaitlistRecord]) async throws {
        guard !records.isEmpty else { return }
        let needs = try records.map { String(decoding: try Self.encoder.encode($0.request.need), as: UTF8.self) }
        try await execute("""
            INSERT INTO waitlist (assignment_id, subject_ref, purpose, facility_kind, unit_types, need, area_code, severity_rank,
                                  vulnerable, waiting_since, replaces_assignment_id, waitlisted_at)
            SELECT i, s, p, k, string_to_array(u, ','), n::jsonb, a, r, v, w, NULLIF(x, ''), t
            FROM unnest(\(records.map(\.request.assignmentId))::text[], \(records.map(\.subjectRef))::text[],
                        \(records.map(\.request.need.purpose.rawValue))::text[], \(records.map(\.request.need.facilityKind.rawValue))::text[],
                        \(records.map { $0.request.need.unitTypes.map(\.rawValue).joined(separator: ",") })::text[], \(needs)::text[], \(records.map(\.areaCode))::text[], \(records.map(\.priority.severityRank))::int4[],
                        \(records.map(\.priority.vulnerable))::bool[], \(records.map(\.priority.since))::timestamptz[],
                        \(records.map { Self.orEmpty($0.request.replacesAssignmentId) })::text[],
                        \(records.map(\.waitlistedAt))::timestamptz[]) AS t(i, s, p, k, u, n, a, r, v, w, x, t)
            """)
    }

    /// Rewrites waitlist rows' need and priority (what became known while they waited).
    func updateWaitlist(_ records: [WaitlistRecord]) async throws {
        guard !records.isEmpty else { return }
        let needs = try records.map { String(decoding: try Self.encoder.encode($0.request.need), as: UTF8.self) }
        try await execute("""
            UPDATE waitlist w SET need = t.n::jsonb, severity_rank = t.r, vulnerable = t.v
            FROM unnest(\(records.map(\.request.assignmentId))::text[], \(needs)::text[],
                        \(records.map(\.priority.severityRank))::int4[], \(records.map(\.priority.vulnerable))::bool[]) AS t(i, n, r, v)
            WHERE w.assignment_id = t.i
            """)
    }

    /// Removes waitlist rows (served or cancelled).
    func deleteWaitlist(_ ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        try await execute("DELETE FROM waitlist WHERE assignment_id = ANY(\(ids)::text[])")
    }

    /// The 1-based position of each given entry in its facility kind's waitlist.
    func waitlistPositions(_ ids: [String]) async throws -> [String: Int] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT assignment_id, position FROM (
                SELECT assignment_id, row_number() OVER (
                    PARTITION BY facility_kind ORDER BY severity_rank DESC, vulnerable DESC, waiting_since, subject_ref) AS position
                FROM waitlist
                WHERE facility_kind IN (SELECT facility_kind FROM waitlist WHERE assignment_id = ANY(\(ids)::text[]))
            ) ranked WHERE assignment_id = ANY(\(ids)::text[])
            """, logger: logger)
        var positions: [String: Int] = [:]
        for try await (id, position) in rows.decode((String, Int64).self) { positions[id] = Int(position) }
        return positions
    }

    // MARK: facilities and units

    static let facilityColumns = """
        facility_id, name, kind, area_code, status, activation_lead_s, ready_at, ventilators, ventilators_in_use, ecmo
        """

    /// Every facility, by id.
    func facilities() async throws -> [String: FacilityRecord] {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(Self.facilityColumns) FROM facilities ORDER BY facility_id"), logger: logger)
        var result: [String: FacilityRecord] = [:]
        for record in try await Self.facilityRecords(rows) { result[record.id] = record }
        return result
    }

    static func facilityRecords(_ rows: PostgresRowSequence) async throws -> [FacilityRecord] {
        var records: [FacilityRecord] = []
        for try await (id, name, kind, area, status, lead, ready, ventilators, inUse, ecmo)
            in rows.decode((String, String, String, String, String, Int64, Date?, Int, Int, Int).self) {
            guard let kind = FacilityKind(rawValue: kind), let status = FacilityStatus(rawValue: status) else { continue }
            records.append(FacilityRecord(id: id, name: name, kind: kind, areaCode: area, status: status,
                                          activationLead: .seconds(lead), readyAt: ready, ventilators: ventilators,
                                          ventilatorsInUse: inUse, ecmo: ecmo))
        }
        return records
    }

    /// The area adjacency list.
    func areaMap() async throws -> AreaMap {
        let rows = try await connection.query("SELECT area_code, adjacent FROM areas", logger: logger)
        var adjacency: [String: [String]] = [:]
        for try await (code, adjacent) in rows.decode((String, [String]).self) { adjacency[code] = adjacent }
        return AreaMap(adjacency)
    }

    /// Free in-service units per pool of active facilities of the given kinds (from the counts).
    func freePools(kinds: Set<FacilityKind>) async throws -> [FreePool] {
        guard !kinds.isEmpty else { return [] }
        let rows = try await connection.query("""
            SELECT f.facility_id, f.kind, f.area_code, c.unit_type, c.total - c.occupied - c.out_of_service,
                   f.ventilators - f.ventilators_in_use
            FROM facilities f JOIN pool_counts c ON c.facility_id = f.facility_id
            WHERE f.status = 'active' AND f.kind = ANY(\(kinds.map(\.rawValue))::text[])
              AND c.total - c.occupied - c.out_of_service > 0
            """, logger: logger)
        var pools: [FreePool] = []
        for try await (id, kind, area, type, free, ventilators) in rows.decode((String, String, String, String, Int, Int).self) {
            guard let kind = FacilityKind(rawValue: kind), let type = UnitType(rawValue: type) else { continue }
            pools.append(FreePool(facilityId: id, facilityKind: kind, areaCode: area, unitType: type, free: free, ventilatorsFree: ventilators))
        }
        return pools
    }

    /// Locks up to `count` free units of a pool, skipping units another transaction holds. The
    /// facility must be active; its row is key-share locked, so a stand-down (which locks it for
    /// update first) waits for this transaction and then sees its assignments.
    func takeUnits(_ pool: PoolKey, count: Int) async throws -> [String] {
        let rows = try await connection.query("""
            SELECT u.unit_id FROM units u JOIN facilities f ON f.facility_id = u.facility_id AND f.status = 'active'
            WHERE u.facility_id = \(pool.facilityId) AND u.unit_type = \(pool.unitType.rawValue) AND u.occupant IS NULL
              AND u.status = 'inService'
            ORDER BY u.seq LIMIT \(count) FOR UPDATE OF u SKIP LOCKED FOR KEY SHARE OF f
            """, logger: logger)
        var units: [String] = []
        for try await unit in rows.decode(String.self) { units.append(unit) }
        return units
    }

    /// Takes `count` ventilators at each facility, all or nothing per facility; returns the
    /// facilities that had them. The facility row's check constraint makes over-use impossible.
    func takeVentilators(_ wanted: [String: Int]) async throws -> Set<String> {
        guard !wanted.isEmpty else { return [] }
        let ids = wanted.keys.sorted()
        let rows = try await connection.query("""
            UPDATE facilities f SET ventilators_in_use = f.ventilators_in_use + t.n
            FROM unnest(\(ids)::text[], \(ids.map { wanted[$0] ?? 0 })::int4[]) AS t(id, n)
            WHERE f.facility_id = t.id AND f.ventilators_in_use + t.n <= f.ventilators
            RETURNING f.facility_id
            """, logger: logger)
        var granted = Set<String>()
        for try await id in rows.decode(String.self) { granted.insert(id) }
        return granted
    }

    /// Writes assignments and marks their units occupied.
    func insertAssignments(_ records: [AssignmentRecord], reasons: [String]) async throws {
        guard !records.isEmpty else { return }
        try await execute("""
            INSERT INTO assignments (assignment_id, subject_ref, purpose, facility_id, facility_kind, unit_id, unit_type, ventilator,
                                     area_code, assigned_at, expected_end, previous_assignment_id, policy_version, reason)
            SELECT i, s, p, f, k, u, t, v, a, at, NULLIF(e, 'epoch'::timestamptz), NULLIF(x, ''), pv, r
            FROM unnest(\(records.map(\.assignmentId))::text[], \(records.map(\.subjectRef))::text[],
                        \(records.map(\.need.purpose.rawValue))::text[], \(records.map(\.facility.id))::text[],
                        \(records.map(\.facility.kind.rawValue))::text[], \(records.map(\.unitId))::text[],
                        \(records.map(\.unitType.rawValue))::text[], \(records.map(\.need.ventilator))::bool[],
                        \(records.map(\.areaCode))::text[], \(records.map(\.assignedAt))::timestamptz[],
                        \(records.map { $0.need.expectedEnd ?? Self.noDate })::timestamptz[],
                        \(records.map { Self.orEmpty($0.previous?.assignmentId) })::text[],
                        \(records.map(\.policyVersion))::text[], \(reasons)::text[]) AS t(i, s, p, f, k, u, t, v, a, at, e, x, pv, r)
            """)
        try await execute("""
            UPDATE units u SET occupant = t.i
            FROM unnest(\(records.map(\.facility.id))::text[], \(records.map(\.unitId))::text[], \(records.map(\.assignmentId))::text[]) AS t(f, u, i)
            WHERE u.facility_id = t.f AND u.unit_id = t.u
            """)
    }

    /// Ends assignments and frees their units and ventilators.
    func release(_ units: [HeldUnit], reasons: [ReleaseReason], at: Date) async throws {
        guard !units.isEmpty else { return }
        try await execute("""
            UPDATE assignments a SET released_at = \(at), release_reason = t.r
            FROM unnest(\(units.map(\.assignmentId))::text[], \(reasons.map(\.rawValue))::text[]) AS t(i, r)
            WHERE a.assignment_id = t.i AND a.released_at IS NULL
            """)
        try await execute("UPDATE units SET occupant = NULL WHERE occupant = ANY(\(units.map(\.assignmentId))::text[])")
        var ventilators: [String: Int] = [:]
        for unit in units where unit.ventilator { ventilators[unit.facilityId, default: 0] += 1 }
        if !ventilators.isEmpty {
            let ids = ventilators.keys.sorted()
            try await execute("""
                UPDATE facilities f SET ventilators_in_use = GREATEST(0, f.ventilators_in_use - t.n)
                FROM unnest(\(ids)::text[], \(ids.map { ventilators[$0] ?? 0 })::int4[]) AS t(id, n) WHERE f.facility_id = t.id
                """)
        }
    }

    /// Moves quarantine end times.
    func reschedule(_ changes: [(String, Date)]) async throws {
        guard !changes.isEmpty else { return }
        try await execute("""
            UPDATE assignments a SET expected_end = t.e
            FROM unnest(\(changes.map(\.0))::text[], \(changes.map(\.1))::timestamptz[]) AS t(i, e) WHERE a.assignment_id = t.i
            """)
    }

    /// Appends decisions to the history.
    func recordDecisions(_ decisions: [DecisionRecord]) async throws {
        guard !decisions.isEmpty else { return }
        try await execute("""
            INSERT INTO decisions (subject_ref, decided_at, decision, assignment_id, facility_id, unit_id, policy_version, reason, cause)
            SELECT s, d, k, a, NULLIF(f, ''), NULLIF(u, ''), p, r, c
            FROM unnest(\(decisions.map(\.subjectRef))::text[], \(decisions.map(\.decidedAt))::timestamptz[],
                        \(decisions.map(\.decision))::text[], \(decisions.map(\.assignmentId))::text[],
                        \(decisions.map { Self.orEmpty($0.facilityId) })::text[], \(decisions.map { Self.orEmpty($0.unitId) })::text[],
                        \(decisions.map(\.policyVersion))::text[], \(decisions.map(\.reason))::text[],
                        \(decisions.map(\.cause))::text[]) WITH ORDINALITY AS t(s, d, k, a, f, u, p, r, c, n)
            ORDER BY n
            """)
    }

    // MARK: capacity

    /// Counts per pool for the given pools (all pools when nil), from the trigger-kept counts.
    func poolCounts(_ pools: Set<PoolKey>?) async throws -> [PoolCounts] {
        let keys = pools.map { $0.sorted() } ?? []
        let rows = try await connection.query("""
            SELECT c.facility_id, c.unit_type, c.total, c.occupied, c.out_of_service, c.level FROM pool_counts c
            WHERE \(pools == nil) OR (c.facility_id, c.unit_type) IN
                  (SELECT * FROM unnest(\(keys.map(\.facilityId))::text[], \(keys.map(\.unitType.rawValue))::text[]))
            ORDER BY 1, 2
            """, logger: logger)
        var counts: [PoolCounts] = []
        for try await (id, type, total, occupied, out, level) in rows.decode((String, String, Int, Int, Int, Int).self) {
            guard let type = UnitType(rawValue: type) else { continue }
            counts.append(PoolCounts(facilityId: id, unitType: type, total: total, occupied: occupied, outOfService: out, level: level))
        }
        return counts
    }

    /// Waitlist lengths by facility kind.
    func waitlistLengths() async throws -> [FacilityKind: Int] {
        let rows = try await connection.query("SELECT facility_kind, count(*)::int8 FROM waitlist GROUP BY 1", logger: logger)
        var lengths: [FacilityKind: Int] = [:]
        for try await (kind, count) in rows.decode((String, Int64).self) {
            if let kind = FacilityKind(rawValue: kind) { lengths[kind] = Int(count) }
        }
        return lengths
    }

    /// Stores changed threshold levels. The pools a run changed are already locked by it (the
    /// unit updates' trigger locked their count rows), so no other instance moves them meanwhile.
    func saveLevels(_ levels: [PoolKey: Int]) async throws {
        guard !levels.isEmpty else { return }
        let keys = levels.keys.sorted()
        try await execute("""
            UPDATE pool_counts c SET level = t.l
            FROM unnest(\(keys.map(\.facilityId))::text[], \(keys.map(\.unitType.rawValue))::text[], \(keys.map { levels[$0] ?? 0 })::int4[]) AS t(f, u, l)
            WHERE c.facility_id = t.f AND c.unit_type = t.u
            """)
    }
}
