import FangyiEvents
import Foundation
import Logging
import PostgresNIO

/// The tracing schema's SQL, run on one connection (inside the batch's transaction).
///
/// Set-based: each method takes every row of a batch in one statement (`unnest` of
/// arrays), because round trips, not rows, are what a surge costs.
/// Not `Sendable`: it belongs to the transaction it was made for.
struct TracingStore {
    let connection: PostgresConnection
    let logger: Logger

    /// Nullable text travels in arrays as "" (PostgresNIO arrays carry no NULLs).
    static func orEmpty(_ value: String?) -> String { value ?? "" }
    static func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }

    func execute(_ query: PostgresQuery) async throws {
        try await connection.query(query, logger: logger)
    }

    // MARK: persons

    /// Locks the persons' rows (creating missing ones) in subject-ref order, then reads
    /// their state in a fresh statement, which sees everything committed before the locks
    /// were granted.
    func lockPersons(_ refs: [String]) async throws -> [String: PersonState] {
        let sorted = Array(Set(refs)).sorted()
        guard !sorted.isEmpty else { return [:] }
        try await execute("""
            INSERT INTO persons (subject_ref) SELECT unnest(\(sorted)::text[]) ORDER BY 1 ON CONFLICT DO NOTHING
            """)
        try await execute("""
            SELECT 1 FROM persons WHERE subject_ref = ANY(\(sorted)::text[]) ORDER BY subject_ref FOR UPDATE
            """)
        return try await personStates(sorted)
    }

    /// The persons' state without locking.
    func personStates(_ refs: [String]) async throws -> [String: PersonState] {
        let rows = try await connection.query("""
            SELECT p.subject_ref, p.area_code, p.symptomatic, p.symptom_onset, p.clinical_severity, p.admitted_at, p.age_years,
                   (SELECT c.case_id FROM cases c WHERE c.subject_ref = p.subject_ref AND c.recovered_at IS NULL)
            FROM persons p WHERE p.subject_ref = ANY(\(refs)::text[])
            """, logger: logger)
        var states: [String: PersonState] = [:]
        for try await (ref, area, symptomatic, onset, severity, admitted, age, caseId)
            in rows.decode((String, String?, Bool, Date?, String?, Date?, Int?, String?).self) {
            states[ref] = PersonState(
                subjectRef: ref, areaCode: area, openCaseId: caseId, contact: nil, symptomatic: symptomatic,
                symptomOnset: onset, clinicalSeverity: severity.flatMap(ClinicalSeverity.init(rawValue:)),
                admittedAt: admitted, ageYears: age)
        }
        for contact in try await activeContacts(refs) {
            states[contact.subjectRef]?.contact = contact
        }
        return states
    }

    /// Records residence areas from lab results (the latest wins).
    func recordAreas(_ refs: [String], _ areas: [String]) async throws {
        guard !refs.isEmpty else { return }
        try await execute("""
            INSERT INTO persons (subject_ref, area_code)
            SELECT DISTINCT ON (r) r, a FROM unnest(\(refs)::text[], \(areas)::text[]) WITH ORDINALITY AS t(r, a, n)
            ORDER BY r, n DESC
            ON CONFLICT (subject_ref) DO UPDATE SET area_code = EXCLUDED.area_code
            WHERE persons.area_code IS DISTINCT FROM EXCLUDED.area_code
            """)
    }

    /// Of `refs`, those with an open case or an active contact record: the only persons
    /// whose negative results tracing must look at.
    func followed(_ refs: [String]) async throws -> Set<String> {
        let rows = try await connection.query("""
            SELECT subject_ref FROM cases WHERE subject_ref = ANY(\(refs)::text[]) AND recovered_at IS NULL
            UNION SELECT subject_ref FROM contacts WHERE subject_ref = ANY(\(refs)::text[]) AND cleared_at IS NULL
            """, logger: logger)
        var result = Set<String>()
        for try await ref in rows.decode(String.self) { result.insert(ref) }
        return result
    }

    /// Stores a clinical assessment's facts on the (locked) person.
    func recordAssessment(_ assessment: ClinicalAssessment) async throws {
        let admitted: Date? = assessment.facilityId == nil ? nil : assessment.assessedAt
        let discharged: Date? = assessment.discharged ? assessment.assessedAt : nil
        try await execute("""
            UPDATE persons SET
              symptomatic = symptomatic OR \(assessment.symptomatic),
              symptom_onset = CASE WHEN \(assessment.symptomOnset)::timestamptz IS NULL THEN symptom_onset
                                   ELSE LEAST(coalesce(symptom_onset, \(assessment.symptomOnset)::timestamptz), \(assessment.symptomOnset)::timestamptz) END,
              clinical_severity = \(assessment.severity.rawValue),
              admitted_at = CASE WHEN \(admitted)::timestamptz IS NULL THEN admitted_at
                                 ELSE LEAST(coalesce(admitted_at, \(admitted)::timestamptz), \(admitted)::timestamptz) END,
              discharged_at = coalesce(\(discharged)::timestamptz, discharged_at),
              age_years = coalesce(\(assessment.ageYears), age_years)
            WHERE subject_ref = \(assessment.subjectRef)
            """)
    }
}
