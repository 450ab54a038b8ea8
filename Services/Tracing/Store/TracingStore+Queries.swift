import FangyiEvents
import Foundation
import PostgresNIO

extension TracingStore {
    /// The contacts traced from a case (active and cleared), strongest tier first.
    func contacts(ofCase caseId: String) async throws -> [ContactRecord] {
        try await contacts("""
            SELECT \(unescaped: Self.contactColumns) FROM contacts WHERE source_case_id = \(caseId)
            ORDER BY CASE tier WHEN 'close' THEN 0 WHEN 'secondary' THEN 1 ELSE 2 END, subject_ref
            """)
    }

    /// The cases of a chain, in the order they were opened.
    func cases(inChain chainId: String) async throws -> [CaseRecord] {
        try await cases("SELECT \(unescaped: Self.caseColumns) FROM cases WHERE chain_id = \(chainId) ORDER BY opened_at, case_id")
    }

    /// Active contacts of an area not yet followed up, earliest deadline first: the overdue,
    /// then those due today, then those identified late in the day whose minimum follow-up
    /// time runs past midnight. No pending contact is left off the list.
    func followUps(area: String, limit: Int) async throws -> [ContactRecord] {
        try await contacts("""
            SELECT \(unescaped: Self.contactColumns) FROM contacts
            WHERE area_code = \(area) AND cleared_at IS NULL AND followed_up_at IS NULL
            ORDER BY follow_up_deadline, subject_ref LIMIT \(limit)
            """)
    }
}
