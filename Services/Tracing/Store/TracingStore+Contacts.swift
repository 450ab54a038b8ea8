import FangyiEvents
import Foundation
import PostgresNIO

extension TracingStore {
    static let contactColumns = """
        contact_id, subject_ref, tier, source_case_id, via_contact_id, via, venue_id, area_code, exposure_area_code,
        exposure_from, exposure_until, identified_at, follow_up_deadline, followed_up_at
        """

    /// Decodes rows selected with ``contactColumns``.
    func contacts(_ query: PostgresQuery) async throws -> [ContactRecord] {
        let rows = try await connection.query(query, logger: logger)
        var result: [ContactRecord] = []
        for try await row in rows {
            let (id, ref, tier, source, viaContact, via, venue, area, exposureArea) =
                try row.decode((String, String, String, String, String?, String, String?, String, String).self)
            let cells = row.makeRandomAccess()
            let (from, until, identified, deadline, followed) = (
                try cells[9].decode(Date.self), try cells[10].decode(Date.self), try cells[11].decode(Date.self),
                try cells[12].decode(Date.self), try cells[13].decode(Date?.self))
            result.append(ContactRecord(
                contactId: id, subjectRef: ref, tier: ContactTier(rawValue: tier) ?? .close, sourceCaseId: source,
                viaContactId: viaContact, via: ExposureRoute(rawValue: via) ?? .venue, venueId: venue, areaCode: area,
                exposureAreaCode: exposureArea, exposure: TimeSpan(start: from, end: until), identifiedAt: identified,
                followUpDeadline: deadline, followedUpAt: followed))
        }
        return result
    }

    func activeContacts(_ refs: [String]) async throws -> [ContactRecord] {
        try await contacts("SELECT \(unescaped: Self.contactColumns) FROM contacts WHERE subject_ref = ANY(\(refs)::text[]) AND cleared_at IS NULL")
    }

    /// Writes new contacts, and new tiers or later exposures of existing ones (same contact
    /// id). A new tier restarts the follow-up; a later exposure at the same tier keeps it.
    ///
    /// Returns the ids of `created` actually inserted: a person who was this source's
    /// contact before (and has since become a case, recovered or been released) is not
    /// traced again for the same exposure.
    func saveContacts(created: [ContactRecord], upgraded: [ContactRecord]) async throws -> Set<String> {
        var inserted = Set<String>()
        for (records, upsert) in [(created, false), (upgraded, true)] where !records.isEmpty {
            let sql: PostgresQuery = """
                INSERT INTO contacts (contact_id, subject_ref, tier, source_case_id, via_contact_id, via, venue_id, area_code,
                                      exposure_area_code, exposure_from, exposure_until, identified_at, follow_up_deadline)
                SELECT i, s, t, c, NULLIF(vc, ''), v, NULLIF(ve, ''), a, ea, f, u, idt, d
                FROM unnest(\(records.map(\.contactId))::text[], \(records.map(\.subjectRef))::text[],
                            \(records.map(\.tier.rawValue))::text[], \(records.map(\.sourceCaseId))::text[],
                            \(records.map { Self.orEmpty($0.viaContactId) })::text[], \(records.map(\.via.rawValue))::text[],
                            \(records.map { Self.orEmpty($0.venueId) })::text[], \(records.map(\.areaCode))::text[],
                            \(records.map(\.exposureAreaCode))::text[], \(records.map(\.exposure.start))::timestamptz[],
                            \(records.map(\.exposure.end))::timestamptz[], \(records.map(\.identifiedAt))::timestamptz[],
                            \(records.map(\.followUpDeadline))::timestamptz[])
                  AS t(i, s, t, c, vc, v, ve, a, ea, f, u, idt, d)
                \(unescaped: upsert ? """
                ON CONFLICT (contact_id) DO UPDATE SET tier = EXCLUDED.tier, source_case_id = EXCLUDED.source_case_id,
                  via_contact_id = EXCLUDED.via_contact_id, via = EXCLUDED.via, venue_id = EXCLUDED.venue_id,
                  exposure_area_code = EXCLUDED.exposure_area_code, exposure_from = EXCLUDED.exposure_from,
                  exposure_until = EXCLUDED.exposure_until, identified_at = EXCLUDED.identified_at, follow_up_deadline = EXCLUDED.follow_up_deadline,
                  followed_up_at = CASE WHEN contacts.tier = EXCLUDED.tier THEN contacts.followed_up_at END
                """ : "ON CONFLICT (contact_id) DO NOTHING")
                RETURNING contact_id
                """
            for try await id in try await connection.query(sql, logger: logger).decode(String.self) where !upsert { inserted.insert(id) }
        }
        return inserted
    }

    /// Ends a contact record (the person became a case, was released or excluded).
    func clearContact(_ contactId: String, clearance: ContactClearance, at time: Date) async throws {
        try await execute("""
            UPDATE contacts SET cleared_at = \(time), clearance = \(clearance.rawValue) WHERE contact_id = \(contactId)
            """)
    }

    /// Marks a contact as found by the grid worker; returns whether an active contact was updated.
    func markFollowedUp(_ contactId: String, at time: Date) async throws -> Bool {
        let rows = try await connection.query("""
            UPDATE contacts SET followed_up_at = coalesce(followed_up_at, \(time))
            WHERE contact_id = \(contactId) AND cleared_at IS NULL RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
