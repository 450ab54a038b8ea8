import FangyiEvents
import Foundation
import PostgresNIO

extension TracingStore {
    static let caseColumns = """
        case_id, subject_ref, classification, severity, area_code, sample_collected_at, reported_at, infectious_from,
        infectious_until, positive_result_id, opened_at, chain_id, source_case_id, link_via, link_venue_id, recovered_at
        """

    /// Decodes rows selected with ``caseColumns``.
    func cases(_ query: PostgresQuery) async throws -> [CaseRecord] {
        let rows = try await connection.query(query, logger: logger)
        var result: [CaseRecord] = []
        for try await row in rows {
            let (id, ref, classification, severity, area, collected, reported, from) =
                try row.decode((String, String, String, String, String, Date, Date, Date).self)
            let cells = row.makeRandomAccess()
            let (until, resultId, opened, chain) = (
                try cells[8].decode(Date.self), try cells[9].decode(String.self), try cells[10].decode(Date.self),
                try cells[11].decode(String.self))
            let (source, via, venue, recovered) = (
                try cells[12].decode(String?.self), try cells[13].decode(String?.self), try cells[14].decode(String?.self),
                try cells[15].decode(Date?.self))
            result.append(CaseRecord(
                caseId: id, subjectRef: ref, classification: CaseClassification(rawValue: classification) ?? .confirmed,
                severity: CaseSeverity(rawValue: severity) ?? .unassessed, areaCode: area, sampleCollectedAt: collected,
                reportedAt: reported, window: TimeSpan(start: from, end: until), positiveResultId: resultId, openedAt: opened,
                chainId: chain, sourceCaseId: source, linkVia: via.flatMap(ExposureRoute.init(rawValue:)), linkVenueId: venue,
                recoveredAt: recovered))
        }
        return result
    }

    func caseRecord(id: String) async throws -> CaseRecord? {
        try await cases("SELECT \(unescaped: Self.caseColumns) FROM cases WHERE case_id = \(id)").first
    }

    func openCase(subjectRef: String) async throws -> CaseRecord? {
        try await cases("SELECT \(unescaped: Self.caseColumns) FROM cases WHERE subject_ref = \(subjectRef) AND recovered_at IS NULL").first
    }

    func insertCase(_ record: CaseRecord) async throws {
        try await execute("""
            INSERT INTO cases (\(unescaped: Self.caseColumns))
            VALUES (\(record.caseId), \(record.subjectRef), \(record.classification.rawValue), \(record.severity.rawValue),
                    \(record.areaCode), \(record.sampleCollectedAt), \(record.reportedAt), \(record.window.start),
                    \(record.window.end), \(record.positiveResultId), \(record.openedAt), \(record.chainId),
                    \(record.sourceCaseId), \(record.linkVia?.rawValue), \(record.linkVenueId), \(record.recoveredAt))
            """)
    }

    /// Updates what assessments and releases change on a case.
    func updateCase(_ record: CaseRecord) async throws {
        try await execute("""
            UPDATE cases SET classification = \(record.classification.rawValue), severity = \(record.severity.rawValue),
              infectious_from = \(record.window.start), infectious_until = \(record.window.end), recovered_at = \(record.recoveredAt)
            WHERE case_id = \(record.caseId)
            """)
    }

    /// Records a sample of an open case; returns all its samples for the release rule.
    func recordSample(caseId: String, _ sample: RecoveryRule.Sample) async throws -> [RecoveryRule.Sample] {
        try await execute("""
            INSERT INTO case_samples (case_id, result_id, collected_at, qualifies)
            VALUES (\(caseId), \(sample.resultId), \(sample.collectedAt), \(sample.qualifies))
            ON CONFLICT (case_id, result_id) DO UPDATE SET collected_at = EXCLUDED.collected_at, qualifies = EXCLUDED.qualifies
            """)
        let rows = try await connection.query(
            "SELECT result_id, collected_at, qualifies FROM case_samples WHERE case_id = \(caseId)", logger: logger)
        var samples: [RecoveryRule.Sample] = []
        for try await (id, collected, qualifies) in rows.decode((String, Date, Bool).self) {
            samples.append(.init(resultId: id, collectedAt: collected, qualifies: qualifies))
        }
        return samples
    }

    /// Adds `caseId` to the cluster of `settingKey` active within `window` (creating it);
    /// returns the cluster id, its case ids and whether it had been detected before.
    /// Serialized per setting by a transaction-scoped advisory lock.
    func joinCluster(settingKey: String, caseIds: [String], areaCode: String, via: ExposureRoute, venueId: String?,
                     at time: Date, window: Duration) async throws -> (clusterId: String, caseIds: [String], wasDetected: Bool) {
        try await execute("SELECT pg_advisory_xact_lock(hashtextextended(\(settingKey), 7))")
        let windowSeconds = Double(window.components.seconds)
        let rows = try await connection.query("""
            SELECT cluster_id, detected_at IS NOT NULL FROM clusters
            WHERE setting_key = \(settingKey) AND last_case_at > \(time) - make_interval(secs => \(windowSeconds))
            ORDER BY last_case_at DESC LIMIT 1
            """, logger: logger)
        var found: (String, Bool)? = nil
        for try await (id, detected) in rows.decode((String, Bool).self) { found = (id, detected) }
        let clusterId = found?.0 ?? TracingIdentity.clusterID(settingKey: settingKey, firstCaseId: caseIds.min() ?? "")
        if found == nil {
            try await execute("""
                INSERT INTO clusters (cluster_id, setting_key, area_code, via, venue_id, last_case_at)
                VALUES (\(clusterId), \(settingKey), \(areaCode), \(via.rawValue), \(venueId), \(time))
                ON CONFLICT (cluster_id) DO NOTHING
                """)
        }
        try await execute("""
            INSERT INTO cluster_cases (cluster_id, case_id) SELECT \(clusterId), unnest(\(caseIds)::text[]) ON CONFLICT DO NOTHING
            """)
        try await execute("UPDATE clusters SET last_case_at = GREATEST(last_case_at, \(time)) WHERE cluster_id = \(clusterId)")
        let members = try await connection.query(
            "SELECT case_id FROM cluster_cases WHERE cluster_id = \(clusterId) ORDER BY case_id", logger: logger)
        var ids: [String] = []
        for try await id in members.decode(String.self) { ids.append(id) }
        return (clusterId, ids, found?.1 ?? false)
    }

    func markClusterDetected(_ clusterId: String, at time: Date) async throws {
        try await execute("UPDATE clusters SET detected_at = coalesce(detected_at, \(time)) WHERE cluster_id = \(clusterId)")
    }

    /// Stores retest orders; returns the ids that were new.
    func insertRetests(_ orders: [RetestOrdered]) async throws -> Set<String> {
        guard !orders.isEmpty else { return [] }
        let rows = try await connection.query("""
            INSERT INTO retests (retest_id, subject_ref, area_code, reason, pool_id, result_id, ordered_at, due_by)
            SELECT i, s, a, r, NULLIF(p, ''), NULLIF(res, ''), o, d
            FROM unnest(\(orders.map(\.retestId))::text[], \(orders.map(\.subjectRef))::text[], \(orders.map(\.areaCode))::text[],
                        \(orders.map(\.reason.rawValue))::text[], \(orders.map { Self.orEmpty($0.poolId) })::text[],
                        \(orders.map { Self.orEmpty($0.resultId) })::text[], \(orders.map(\.orderedAt))::timestamptz[],
                        \(orders.map(\.dueBy))::timestamptz[]) AS t(i, s, a, r, p, res, o, d)
            ON CONFLICT DO NOTHING RETURNING retest_id
            """, logger: logger)
        var fresh = Set<String>()
        for try await id in rows.decode(String.self) { fresh.insert(id) }
        return fresh
    }
}
