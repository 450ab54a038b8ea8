import FangyiEvents
import Foundation
import PostgresNIO

extension TracingStore {
    /// A stored relation seen from one side.
    struct RelatedPerson {
        var index: Int
        var otherRef: String
        var kind: RelationKind
        var validity: TimeSpan
    }

    /// Stores relations in both directions (relations are symmetric; a producer that
    /// sends only one direction still gets both). Returns the relations that were new.
    func insertRelations(_ relations: [Relation]) async throws -> [Relation] {
        var refs: [String] = [], others: [String] = [], kinds: [String] = [], froms: [Date] = [], tos: [Double] = []
        var sources: [String] = [], recorded: [Date] = []
        for relation in relations {
            for (a, b) in [(relation.subjectRef, relation.otherSubjectRef), (relation.otherSubjectRef, relation.subjectRef)] {
                refs.append(a); others.append(b); kinds.append(relation.kind.rawValue); froms.append(relation.validFrom)
                tos.append(relation.validTo.map(\.timeIntervalSince1970) ?? -1)
                sources.append(relation.source.rawValue); recorded.append(relation.recordedAt)
            }
        }
        // Matched back by input row number inside the database, so a time's sub-microsecond
        // digits (lost on the way in) cannot make a new relation look old.
        let rows = try await connection.query("""
            WITH input AS (
              SELECT * FROM unnest(\(refs)::text[], \(others)::text[], \(kinds)::text[], \(froms)::timestamptz[], \(tos)::float8[],
                                   \(sources)::text[], \(recorded)::timestamptz[]) WITH ORDINALITY AS x(s, o, k, f, t, src, r, n)
            ), inserted AS (
              INSERT INTO relations (subject_ref, other_ref, kind, valid_from, valid_to, source, recorded_at)
              SELECT s, o, k, f, CASE WHEN t < 0 THEN NULL ELSE to_timestamp(t) END, src, r FROM input
              ON CONFLICT DO NOTHING
              RETURNING subject_ref, other_ref, kind, valid_from
            )
            SELECT DISTINCT (input.n - 1) / 2 FROM input JOIN inserted
              ON inserted.subject_ref = input.s AND inserted.other_ref = input.o AND inserted.kind = input.k AND inserted.valid_from = input.f
            """, logger: logger)
        var fresh = Set<Int>()
        for try await index in rows.decode(Int.self) { fresh.insert(index) }
        return relations.indices.filter(fresh.contains).map { relations[$0] }
    }

    /// The persons related to each of `persons` while the relation overlapped their span.
    func related(to persons: [(ref: String, span: TimeSpan)], kinds: [RelationKind]) async throws -> [RelatedPerson] {
        guard !persons.isEmpty else { return [] }
        let rows = try await connection.query("""
            SELECT s.n, r.other_ref, r.kind, r.valid_from, r.valid_to
            FROM unnest(\(persons.map(\.ref))::text[], \(persons.map(\.span.start))::timestamptz[], \(persons.map(\.span.end))::timestamptz[])
                 WITH ORDINALITY AS s(subject_ref, starts_at, ends_at, n)
            JOIN relations r ON r.subject_ref = s.subject_ref AND r.kind = ANY(\(kinds.map(\.rawValue))::text[])
              AND r.valid_from < s.ends_at AND (r.valid_to IS NULL OR r.valid_to > s.starts_at)
            """, logger: logger)
        var result: [RelatedPerson] = []
        for try await (n, other, kind, from, to) in rows.decode((Int, String, String, Date, Date?).self) {
            guard let kind = RelationKind(rawValue: kind) else { continue }
            result.append(RelatedPerson(index: n - 1, otherRef: other, kind: kind,
                                        validity: TimeSpan(start: from, end: to ?? .distantFuture)))
        }
        return result
    }
}
