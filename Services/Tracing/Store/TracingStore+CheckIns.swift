import FangyiEvents
import Foundation
import PostgresNIO

extension TracingStore {
    /// What storing a batch of check-ins turned up.
    struct CheckInMatches {
        /// New visits that overlap a stored exposure source at the same venue.
        var exposed: [(visit: Visit, source: ExposureSource)] = []
        /// New visits of persons who are open cases or close contacts, inside their windows:
        /// they may expose others who checked in earlier.
        var own: [Visit] = []
        /// Rows actually inserted (the rest were repeats).
        var inserted = 0
    }

    /// Inserts check-ins (a repeat is a no-op) and, in the same statement, matches the rows
    /// actually inserted against exposure sources and against open cases' and close
    /// contacts' windows. `leftAt` of -1 means no check-out.
    func insertCheckIns(_ visits: [Visit], leftAt: [Double], sources: [String]) async throws -> CheckInMatches {
        let rows = try await connection.query("""
            WITH input AS (
              SELECT * FROM unnest(\(visits.map(\.venueId))::text[], \(visits.map(\.venueKind.rawValue))::text[],
                                   \(visits.map(\.areaCode))::text[], \(visits.map(\.subjectRef))::text[],
                                   \(visits.map(\.span.start))::timestamptz[], \(visits.map(\.span.end))::timestamptz[],
                                   \(leftAt)::float8[], \(sources)::text[])
                AS t(venue_id, venue_kind, area_code, subject_ref, checked_in_at, ends_at, left_epoch, source)
            ), inserted AS (
              INSERT INTO checkins (venue_id, venue_kind, area_code, subject_ref, checked_in_at, ends_at, left_at, source)
              SELECT venue_id, venue_kind, area_code, subject_ref, checked_in_at, ends_at,
                     CASE WHEN left_epoch < 0 THEN NULL ELSE to_timestamp(left_epoch) END, source
              FROM input
              ON CONFLICT DO NOTHING
              RETURNING venue_id, venue_kind, area_code, subject_ref, checked_in_at, ends_at
            )
            SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, count(*)
            FROM inserted
            UNION ALL
            SELECT i.venue_id, i.venue_kind, i.area_code, i.subject_ref, i.checked_in_at, i.ends_at,
                   s.owner_ref, s.case_id, s.contact_id, s.grants, s.starts_at, s.ends_at, s.area_code, NULL
            FROM inserted i JOIN exposure_sources s
              ON s.venue_id = i.venue_id AND i.checked_in_at < s.ends_at AND i.ends_at > s.starts_at
            UNION ALL
            SELECT i.venue_id, i.venue_kind, i.area_code, i.subject_ref, i.checked_in_at, i.ends_at,
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
            FROM inserted i
            WHERE EXISTS (SELECT 1 FROM cases c WHERE c.subject_ref = i.subject_ref AND c.recovered_at IS NULL
                            AND i.checked_in_at < c.infectious_until AND i.ends_at > c.infectious_from)
               OR EXISTS (SELECT 1 FROM contacts k WHERE k.subject_ref = i.subject_ref AND k.cleared_at IS NULL
                            AND k.tier = 'close' AND i.checked_in_at < k.identified_at AND i.ends_at > k.exposure_from)
            """, logger: logger)
        var matches = CheckInMatches()
        for try await row in rows {
            let cells = row.makeRandomAccess()
            if let count = try cells[13].decode(Int?.self) {
                matches.inserted = count
                continue
            }
            let (venue, kind, area, ref, start, end) = (
                try cells[0].decode(String.self), try cells[1].decode(String.self), try cells[2].decode(String.self),
                try cells[3].decode(String.self), try cells[4].decode(Date.self), try cells[5].decode(Date.self))
            let visit = Visit(venueId: venue, venueKind: VenueKind(rawValue: kind) ?? .other, areaCode: area,
                              subjectRef: ref, span: TimeSpan(start: start, end: end))
            let (owner, caseId, contactId, grants) = (
                try cells[6].decode(String?.self), try cells[7].decode(String?.self), try cells[8].decode(String?.self),
                try cells[9].decode(String?.self))
            let (sourceStart, sourceEnd, sourceArea) = (
                try cells[10].decode(Date?.self), try cells[11].decode(Date?.self), try cells[12].decode(String?.self))
            if let owner, let caseId, let grants, let sourceStart, let sourceEnd, let tier = ContactTier(rawValue: grants) {
                let sourceVisit = Visit(venueId: venue, venueKind: visit.venueKind, areaCode: sourceArea ?? area,
                                        subjectRef: owner, span: TimeSpan(start: sourceStart, end: sourceEnd))
                matches.exposed.append((visit, ExposureSource(visit: sourceVisit, caseId: caseId, contactId: contactId, grants: tier)))
            } else {
                matches.own.append(visit)
            }
        }
        return matches
    }

    /// Stores exposure sources (repeats are no-ops).
    func addExposureSources(_ sources: [ExposureSource]) async throws {
        guard !sources.isEmpty else { return }
        try await execute("""
            INSERT INTO exposure_sources (venue_id, starts_at, ends_at, owner_ref, case_id, contact_id, grants, area_code)
            SELECT v, s, e, o, c, NULLIF(k, ''), g, a
            FROM unnest(\(sources.map(\.visit.venueId))::text[], \(sources.map(\.visit.span.start))::timestamptz[],
                        \(sources.map(\.visit.span.end))::timestamptz[], \(sources.map(\.visit.subjectRef))::text[],
                        \(sources.map(\.caseId))::text[], \(sources.map { Self.orEmpty($0.contactId) })::text[],
                        \(sources.map(\.grants.rawValue))::text[], \(sources.map(\.visit.areaCode))::text[])
              AS t(v, s, e, o, c, k, g, a)
            ON CONFLICT (venue_id, starts_at, owner_ref, case_id) DO UPDATE SET ends_at = GREATEST(exposure_sources.ends_at, EXCLUDED.ends_at)
            """)
    }

    /// Everyone whose visit overlaps one of `spans` at its venue: (index into `spans`, visit).
    /// `longestStay` bounds how early an overlapping visit can have started, so the venue
    /// index is scanned over a bounded range.
    func coPresent(_ spans: [Visit], longestStay: Duration) async throws -> [(Int, Visit)] {
        guard !spans.isEmpty else { return [] }
        let stay = Double(longestStay.components.seconds)
        let rows = try await connection.query("""
            SELECT s.n, c.subject_ref, c.venue_kind, c.area_code, c.checked_in_at, c.ends_at
            FROM unnest(\(spans.map(\.venueId))::text[], \(spans.map(\.span.start))::timestamptz[], \(spans.map(\.span.end))::timestamptz[])
                 WITH ORDINALITY AS s(venue_id, starts_at, ends_at, n)
            JOIN LATERAL (
              SELECT subject_ref, venue_kind, area_code, checked_in_at, ends_at FROM checkins c
              WHERE c.venue_id = s.venue_id AND c.checked_in_at < s.ends_at
                AND c.checked_in_at > s.starts_at - make_interval(secs => \(stay)) AND c.ends_at > s.starts_at
            ) c ON true
            """, logger: logger)
        var result: [(Int, Visit)] = []
        for try await (n, ref, kind, area, start, end) in rows.decode((Int, String, String, String, Date, Date).self) {
            let source = spans[n - 1]
            result.append((n - 1, Visit(venueId: source.venueId, venueKind: VenueKind(rawValue: kind) ?? source.venueKind,
                                        areaCode: area, subjectRef: ref, span: TimeSpan(start: start, end: end))))
        }
        return result
    }

    /// The visits of each person overlapping their span: (index into `persons`, visit).
    func visits(of persons: [(ref: String, span: TimeSpan)], longestStay: Duration) async throws -> [(Int, Visit)] {
        guard !persons.isEmpty else { return [] }
        let stay = Double(longestStay.components.seconds)
        let rows = try await connection.query("""
            SELECT s.n, c.venue_id, c.venue_kind, c.area_code, c.checked_in_at, c.ends_at
            FROM unnest(\(persons.map(\.ref))::text[], \(persons.map(\.span.start))::timestamptz[], \(persons.map(\.span.end))::timestamptz[])
                 WITH ORDINALITY AS s(subject_ref, starts_at, ends_at, n)
            JOIN LATERAL (
              SELECT venue_id, venue_kind, area_code, checked_in_at, ends_at FROM checkins c
              WHERE c.subject_ref = s.subject_ref AND c.checked_in_at < s.ends_at
                AND c.checked_in_at > s.starts_at - make_interval(secs => \(stay)) AND c.ends_at > s.starts_at
            ) c ON true
            """, logger: logger)
        var result: [(Int, Visit)] = []
        for try await (n, venue, kind, area, start, end) in rows.decode((Int, String, String, String, Date, Date).self) {
            result.append((n - 1, Visit(venueId: venue, venueKind: VenueKind(rawValue: kind) ?? .other, areaCode: area,
                                        subjectRef: persons[n - 1].ref, span: TimeSpan(start: start, end: end))))
        }
        return result
    }
}
