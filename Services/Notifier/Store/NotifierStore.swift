import FangyiEvents
import FangyiService
import Foundation
import Logging
import PostgresNIO

/// The notifier schema's SQL for facts, risk levels and alerts, run on one connection
/// (inside a transaction). Set-based: each method takes a whole batch in one statement.
/// Not `Sendable`: it belongs to the transaction it was made for.
struct NotifierStore {
    let connection: PostgresConnection
    let logger: Logger

    /// Nullable values travel in arrays as sentinels (PostgresNIO arrays carry no NULLs).
    static let noDate = Date(timeIntervalSince1970: 0)

    func execute(_ query: PostgresQuery) async throws {
        try await connection.query(query, logger: logger)
    }

    // MARK: persons, facilities

    /// Records the latest known area of persons (cases, contacts, results name it).
    func recordAreas(_ areas: [String: String]) async throws {
        guard !areas.isEmpty else { return }
        let refs = areas.keys.sorted()
        try await execute("""
            INSERT INTO persons (subject_ref, area_code) SELECT * FROM unnest(\(refs)::text[], \(refs.map { areas[$0]! })::text[])
            ON CONFLICT (subject_ref) DO UPDATE SET area_code = EXCLUDED.area_code
            """)
    }

    /// Records when persons were first named contacts.
    func recordContacts(_ since: [String: Date]) async throws {
        guard !since.isEmpty else { return }
        let refs = since.keys.sorted()
        try await execute("""
            INSERT INTO persons (subject_ref, contact_since) SELECT * FROM unnest(\(refs)::text[], \(refs.map { since[$0]! })::timestamptz[])
            ON CONFLICT (subject_ref) DO UPDATE
            SET contact_since = LEAST(COALESCE(persons.contact_since, EXCLUDED.contact_since), EXCLUDED.contact_since)
            """)
    }

    /// Records that persons were placed (a bed or room assigned: a case found after that was
    /// found in quarantine, not in the community) and settles their follow-ups whose exposure
    /// came before the placement.
    func recordPlacements(_ at: [String: Date]) async throws {
        guard !at.isEmpty else { return }
        let refs = at.keys.sorted()
        let times = refs.map { at[$0]! }
        try await execute("""
            INSERT INTO persons (subject_ref, placed_at) SELECT * FROM unnest(\(refs)::text[], \(times)::timestamptz[])
            ON CONFLICT (subject_ref) DO UPDATE
            SET placed_at = GREATEST(COALESCE(persons.placed_at, EXCLUDED.placed_at), EXCLUDED.placed_at)
            """)
        try await execute("""
            UPDATE follow_ups f SET settled_at = t.a FROM unnest(\(refs)::text[], \(times)::timestamptz[]) AS t(r, a)
            WHERE f.subject_ref = t.r AND f.settled_at IS NULL AND f.exposure_at <= t.a
            """)
    }

    /// Keeps the sealed contact blob of each person's latest result (still sealed).
    func recordSealedContacts(_ blobs: [String: (String, Date)]) async throws {
        guard !blobs.isEmpty else { return }
        let refs = blobs.keys.sorted()
        try await execute("""
            INSERT INTO persons (subject_ref, sealed_contact, contact_at)
            SELECT * FROM unnest(\(refs)::text[], \(refs.map { blobs[$0]!.0 })::text[], \(refs.map { blobs[$0]!.1 })::timestamptz[])
            ON CONFLICT (subject_ref) DO UPDATE SET sealed_contact = EXCLUDED.sealed_contact, contact_at = EXCLUDED.contact_at
            WHERE persons.contact_at IS NULL OR persons.contact_at <= EXCLUDED.contact_at
            """)
    }

    /// Records facilities' areas (from capacity events).
    func recordFacilities(_ areas: [String: String]) async throws {
        guard !areas.isEmpty else { return }
        let ids = areas.keys.sorted()
        try await execute("""
            INSERT INTO facilities SELECT * FROM unnest(\(ids)::text[], \(ids.map { areas[$0]! })::text[])
            ON CONFLICT (facility_id) DO UPDATE SET area_code = EXCLUDED.area_code
            """)
    }

    /// The areas of the persons and facilities, as far as known.
    func areas(persons: [String], facilities: [String]) async throws -> (persons: [String: String], facilities: [String: String]) {
        var people: [String: String] = [:]
        var places: [String: String] = [:]
        if !persons.isEmpty {
            let rows = try await connection.query(
                "SELECT subject_ref, area_code FROM persons WHERE subject_ref = ANY(\(Array(Set(persons)))::text[]) AND area_code IS NOT NULL",
                logger: logger)
            for try await (ref, area) in rows.decode((String, String).self) { people[ref] = area }
        }
        if !facilities.isEmpty {
            let rows = try await connection.query(
                "SELECT facility_id, area_code FROM facilities WHERE facility_id = ANY(\(Array(Set(facilities)))::text[])", logger: logger)
            for try await (id, area) in rows.decode((String, String).self) { places[id] = area }
        }
        return (people, places)
    }

    // MARK: cases, clusters, follow-ups

    /// The areas of the cases of these persons (a placement changes whether their case counts
    /// as a community infection).
    func caseAreas(of persons: [String]) async throws -> [String] {
        guard !persons.isEmpty else { return [] }
        let rows = try await connection.query(
            "SELECT DISTINCT area_code FROM cases WHERE subject_ref = ANY(\(Array(Set(persons)))::text[])", logger: logger)
        var areas: [String] = []
        for try await area in rows.decode(String.self) { areas.append(area) }
        return areas
    }

    /// Records new cases (a repeat changes nothing).
    func recordCases(_ cases: [CaseOpened]) async throws {
        guard !cases.isEmpty else { return }
        try await execute("""
            INSERT INTO cases SELECT * FROM unnest(\(cases.map(\.caseId))::text[], \(cases.map(\.subjectRef))::text[],
                \(cases.map(\.areaCode))::text[], \(cases.map(\.classification.rawValue))::text[], \(cases.map(\.openedAt))::timestamptz[])
            ON CONFLICT (case_id) DO NOTHING
            """)
    }

    /// Applies reclassifications (the case keeps its opening time).
    func reclassify(_ changes: [CaseReclassified]) async throws {
        guard !changes.isEmpty else { return }
        try await execute("""
            INSERT INTO cases SELECT * FROM unnest(\(changes.map(\.caseId))::text[], \(changes.map(\.subjectRef))::text[],
                \(changes.map(\.areaCode))::text[], \(changes.map(\.classification.rawValue))::text[], \(changes.map(\.reclassifiedAt))::timestamptz[])
            ON CONFLICT (case_id) DO UPDATE SET classification = EXCLUDED.classification
            """)
    }

    /// Records clusters.
    func recordClusters(_ clusters: [ClusterDetected]) async throws {
        guard !clusters.isEmpty else { return }
        try await execute("""
            INSERT INTO clusters SELECT * FROM unnest(\(clusters.map(\.clusterId))::text[], \(clusters.map(\.areaCode))::text[],
                \(clusters.map(\.detectedAt))::timestamptz[])
            ON CONFLICT (cluster_id) DO NOTHING
            """)
    }

    /// Opens follow-ups for close contacts; one already placed after the exposure, or already a
    /// case, is settled at once.
    func openFollowUps(_ contacts: [ContactIdentified]) async throws {
        guard !contacts.isEmpty else { return }
        try await execute("""
            INSERT INTO follow_ups (contact_id, subject_ref, area_code, exposure_at, deadline, settled_at)
            SELECT t.c, t.r, t.a, t.e, t.d,
                   CASE WHEN p.placed_at >= t.e THEN p.placed_at
                        WHEN EXISTS (SELECT 1 FROM cases c WHERE c.subject_ref = t.r) THEN t.e END
            FROM unnest(\(contacts.map(\.contactId))::text[], \(contacts.map(\.subjectRef))::text[], \(contacts.map(\.areaCode))::text[],
                        \(contacts.map(\.lastExposureAt))::timestamptz[], \(contacts.map(\.followUpDeadline))::timestamptz[]) AS t(c, r, a, e, d)
            LEFT JOIN persons p ON p.subject_ref = t.r
            ON CONFLICT (contact_id) DO UPDATE SET deadline = EXCLUDED.deadline, exposure_at = EXCLUDED.exposure_at
            """)
    }

    /// Settles the open follow-ups of persons who became cases or were cleared.
    func settleFollowUps(_ at: [String: Date]) async throws {
        guard !at.isEmpty else { return }
        let refs = at.keys.sorted()
        try await execute("""
            UPDATE follow_ups f SET settled_at = t.a FROM unnest(\(refs)::text[], \(refs.map { at[$0]! })::timestamptz[]) AS t(r, a)
            WHERE f.subject_ref = t.r AND f.settled_at IS NULL
            """)
    }

    /// Follow-ups whose deadline passed at `now`, marked overdue (each is reported once).
    func takeOverdueFollowUps(now: Date, limit: Int) async throws -> [(contactId: String, subjectRef: String, area: String, deadline: Date)] {
        let rows = try await connection.query("""
            UPDATE follow_ups SET overdue_at = \(now) WHERE contact_id IN (
                SELECT contact_id FROM follow_ups WHERE settled_at IS NULL AND overdue_at IS NULL AND deadline <= \(now)
                ORDER BY deadline LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING contact_id, subject_ref, area_code, deadline
            """, logger: logger)
        var due: [(String, String, String, Date)] = []
        for try await row in rows.decode((String, String, String, Date).self) { due.append(row) }
        return due.map { (contactId: $0.0, subjectRef: $0.1, area: $0.2, deadline: $0.3) }
    }

    // MARK: risk levels

    /// Locks the areas' level rows (creating missing ones as low) and returns their levels and
    /// how many times each changed so far.
    func lockLevels(_ areas: [String], now: Date, rule: RiskRule) async throws -> [String: (level: RiskLevel, changes: Int)] {
        let sorted = Array(Set(areas)).sorted()
        guard !sorted.isEmpty else { return [:] }
        try await execute("""
            INSERT INTO area_levels (area_code, level, reason_zh, reason_en, rule, since, evaluated_at)
            SELECT a, 'low', '无病例', 'no case', \(rule.rawValue), \(now), \(now) FROM unnest(\(sorted)::text[]) AS a ORDER BY 1
            ON CONFLICT DO NOTHING
            """)
        let rows = try await connection.query(
            "SELECT area_code, level, changes FROM area_levels WHERE area_code = ANY(\(sorted)::text[]) ORDER BY area_code FOR UPDATE",
            logger: logger)
        var levels: [String: (level: RiskLevel, changes: Int)] = [:]
        for try await (area, level, changes) in rows.decode((String, String, Int).self) {
            levels[area] = (RiskLevel(rawValue: level) ?? .low, changes)
        }
        return levels
    }

    /// The counts the rules need for each area, over the window from `start`.
    func facts(_ areas: [String], windowStart start: Date) async throws -> [AreaFacts] {
        guard !areas.isEmpty else { return [] }
        let rows = try await connection.query("""
            SELECT a.area_code,
                count(c.case_id) FILTER (WHERE c.opened_at >= \(start) AND c.classification <> 'suspected'
                                         AND (p.placed_at IS NULL OR p.placed_at > c.opened_at))::int,
                count(c.case_id) FILTER (WHERE c.opened_at >= \(start) AND c.classification <> 'suspected')::int,
                count(c.case_id) FILTER (WHERE c.opened_at >= \(start) AND c.classification = 'confirmed')::int,
                count(c.case_id) FILTER (WHERE c.classification = 'confirmed')::int,
                (SELECT count(*) FROM clusters k WHERE k.area_code = a.area_code AND k.detected_at >= \(start))::int
            FROM unnest(\(Array(Set(areas)).sorted())::text[]) AS a(area_code)
            LEFT JOIN cases c ON c.area_code = a.area_code
            LEFT JOIN persons p ON p.subject_ref = c.subject_ref
            GROUP BY a.area_code ORDER BY a.area_code
            """, logger: logger)
        var facts: [AreaFacts] = []
        for try await (area, community, infections, confirmed, cumulative, clusters) in rows.decode((String, Int, Int, Int, Int, Int).self) {
            facts.append(AreaFacts(areaCode: area, communityInfections: community, infections: infections, confirmed: confirmed,
                                   cumulativeConfirmed: cumulative, clusters: clusters))
        }
        return facts
    }

    /// Writes the areas' assessments; `changed` areas also get a new `since`.
    func saveLevels(_ assessments: [(AreaFacts, RiskAssessment)], changed: Set<String>, rule: RiskRule, now: Date) async throws {
        guard !assessments.isEmpty else { return }
        let facts = try assessments.map { String(decoding: try JSONEncoder().encode($0.0), as: UTF8.self) }
        try await execute("""
            UPDATE area_levels l SET level = t.l, reason_zh = t.z, reason_en = t.e, rule = \(rule.rawValue), facts = t.f::jsonb,
                since = CASE WHEN t.c THEN \(now) ELSE l.since END, changes = l.changes + CASE WHEN t.c THEN 1 ELSE 0 END,
                evaluated_at = \(now)
            FROM unnest(\(assessments.map(\.0.areaCode))::text[], \(assessments.map(\.1.level.rawValue))::text[],
                        \(assessments.map(\.1.reason.zh))::text[], \(assessments.map(\.1.reason.en))::text[], \(facts)::text[],
                        \(assessments.map { changed.contains($0.0.areaCode) })::bool[]) AS t(a, l, z, e, f, c)
            WHERE l.area_code = t.a
            """)
    }

    /// Areas above low: the only ones whose level can fall without an event.
    func raisedAreas() async throws -> [String] {
        let rows = try await connection.query("SELECT area_code FROM area_levels WHERE level <> 'low' ORDER BY area_code", logger: logger)
        var areas: [String] = []
        for try await area in rows.decode(String.self) { areas.append(area) }
        return areas
    }
}
