import FangyiEvents
import Foundation
import PostgresNIO

/// One assignment as the history shows it.
struct AssignmentView: Sendable, Encodable {
    let assignmentId: String
    let purpose: String
    let facilityId: String
    let facilityKind: String
    let unitId: String
    let unitType: String
    let ventilator: Bool
    let assignedAt: Date
    let expectedEnd: Date?
    let releasedAt: Date?
    let releaseReason: String?
    let previousAssignmentId: String?
    let policyVersion: String
    let reason: String
}

/// One waitlist entry as the API shows it.
struct WaitlistView: Sendable, Encodable {
    let position: Int
    let assignmentId: String
    let subjectRef: String
    let purpose: String
    let facilityKind: String
    let unitTypes: [String]
    let ventilator: Bool
    let areaCode: String
    let severityRank: Int
    let vulnerable: Bool
    let waitingSince: Date
    let waitlistedAt: Date
    let keepsAssignmentId: String?
    let reason: String
}

extension AllocatorStore {
    /// A person's assignments, oldest first.
    func assignments(of subjectRef: String) async throws -> [AssignmentView] {
        let rows = try await connection.query("""
            SELECT assignment_id, purpose, facility_id, facility_kind, unit_id, unit_type, ventilator, assigned_at, expected_end,
                   released_at, release_reason, previous_assignment_id, policy_version, reason
            FROM assignments WHERE subject_ref = \(subjectRef) ORDER BY assigned_at, assignment_id
            """, logger: logger)
        var views: [AssignmentView] = []
        for try await (id, purpose, facility, kind, unit, type, ventilator, at, end, released, releaseReason, previous, version, reason)
            in rows.decode((String, String, String, String, String, String, Bool, Date, Date?, Date?, String?, String?, String, String).self) {
            views.append(AssignmentView(assignmentId: id, purpose: purpose, facilityId: facility, facilityKind: kind, unitId: unit,
                                        unitType: type, ventilator: ventilator, assignedAt: at, expectedEnd: end, releasedAt: released,
                                        releaseReason: releaseReason, previousAssignmentId: previous, policyVersion: version, reason: reason))
        }
        return views
    }

    /// A person's decisions, oldest first.
    func decisions(of subjectRef: String, limit: Int) async throws -> [DecisionRecord] {
        let rows = try await connection.query("""
            SELECT subject_ref, decided_at, decision, assignment_id, facility_id, unit_id, policy_version, reason, cause
            FROM decisions WHERE subject_ref = \(subjectRef) ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var records: [DecisionRecord] = []
        for try await (ref, at, decision, assignment, facility, unit, version, reason, cause)
            in rows.decode((String, Date, String, String, String?, String?, String, String, String).self) {
            records.append(DecisionRecord(subjectRef: ref, decidedAt: at, decision: decision, assignmentId: assignment,
                                          facilityId: facility, unitId: unit, policyVersion: version, reason: reason, cause: cause))
        }
        return records
    }

    /// The waitlist in priority order, per facility kind (all kinds when nil), or one person's entries.
    func waitlist(kind: FacilityKind?, subjectRef: String? = nil, limit: Int) async throws -> [WaitlistView] {
        let rows = try await connection.query("""
            SELECT position, assignment_id, subject_ref, purpose, facility_kind, need::text, area_code, severity_rank, vulnerable,
                   waiting_since, waitlisted_at, replaces_assignment_id
            FROM (SELECT *, row_number() OVER (PARTITION BY facility_kind
                         ORDER BY severity_rank DESC, vulnerable DESC, waiting_since, subject_ref) AS position FROM waitlist) w
            WHERE (\(kind?.rawValue ?? "") = '' OR facility_kind = \(kind?.rawValue ?? ""))
              AND (\(subjectRef ?? "") = '' OR subject_ref = \(subjectRef ?? ""))
            ORDER BY facility_kind, position LIMIT \(limit)
            """, logger: logger)
        var views: [WaitlistView] = []
        for try await (position, id, ref, purpose, kind, needJSON, area, rank, vulnerable, since, at, keeps)
            in rows.decode((Int64, String, String, String, String, String, String, Int, Bool, Date, Date, String?).self) {
            let need = try? Self.decoder.decode(Need.self, from: Data(needJSON.utf8))
            views.append(WaitlistView(position: Int(position), assignmentId: id, subjectRef: ref, purpose: purpose, facilityKind: kind,
                                      unitTypes: need?.unitTypes.map(\.rawValue) ?? [], ventilator: need?.ventilator ?? false,
                                      areaCode: area, severityRank: rank, vulnerable: vulnerable, waitingSince: since,
                                      waitlistedAt: at, keepsAssignmentId: keeps, reason: need?.reason ?? ""))
        }
        return views
    }
}
