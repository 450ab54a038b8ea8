public import FangyiEvents
public import Foundation

/// What the allocator knows about one person, folded from the events it consumed. Stored
/// per subject ref; the planner derives what the person needs from it.
///
/// Concurrency: a value type; `Sendable`.
public struct PersonState: Sendable, Equatable, Codable {
    /// The person.
    public var subjectRef: String
    /// The area of residence (from the case or the contact).
    public var areaCode: String?
    /// Age in years, when a case or an assessment said.
    public var ageYears: Int?
    /// The current case, if any.
    public var caseId: String?
    /// Its classification.
    public var classification: CaseClassification?
    /// Its severity (a clinical assessment updates it).
    public var severity: CaseSeverity?
    /// When the case ended (recovered or discharged); nil while open.
    public var caseClosedAt: Date?
    /// The contact record, if the person is a contact.
    public var contactId: String?
    /// Its tier (the strongest seen).
    public var contactTier: ContactTier?
    /// The latest exposure: quarantine counts from here.
    public var lastExposureAt: Date?
    /// When tracing cleared the contact, and why.
    public var contactClearedAt: Date?
    /// Why the contact was cleared.
    public var contactClearance: ContactClearance?
    /// A clinical assessment says the person needs medical care.
    public var needsCare: Bool = false
    /// The time of the latest assessment applied (older ones are ignored).
    public var assessedAt: Date?
    /// The collection time of the latest negative diagnostic PCR sample (not withdrawn).
    public var lastNegativeAt: Date?
    /// The collection time of the latest positive or inconclusive result of any test (not
    /// withdrawn): a release test must come after it.
    public var lastNonNegativeAt: Date?
    /// The results behind those two times, by result id (latest version), so a cancellation
    /// or a correction withdraws what it replaces.
    public var results: [String: ResultMark] = [:]
    /// The severity of the latest assessment, kept even before a case is known (the case may
    /// arrive later on another topic).
    public var assessedSeverity: CaseSeverity?

    /// A result as far as release is concerned.
    public struct ResultMark: Sendable, Equatable, Codable {
        /// The result's version (a correction has a higher one).
        public var version: Int
        /// When the sample was taken.
        public var collectedAt: Date
        /// Whether it counts as a release test: a negative diagnostic PCR.
        public var releaseNegative: Bool
        /// Whether it stands against release: positive or inconclusive, any test kind.
        public var nonNegative: Bool
    }
    /// The earliest time the person has needed each purpose without a break (waiting time).
    public var needingSince: [String: Date] = [:]

    /// An empty state for `subjectRef`.
    public init(subjectRef: String) {
        self.subjectRef = subjectRef
    }

    /// Whether a case is open.
    public var hasOpenCase: Bool { caseId != nil && caseClosedAt == nil }

    /// One consumed fact about the person.
    public enum Input: Sendable {
        case caseOpened(CaseOpened)
        case caseReclassified(CaseReclassified)
        case caseRecovered(CaseRecovered)
        case contactIdentified(ContactIdentified)
        case contactCleared(ContactCleared)
        case assessment(ClinicalAssessment)
        case result(LabResultRecorded)

        /// The event the input came from.
        public var payload: any FangyiEvent {
            switch self {
            case .caseOpened(let event): event
            case .caseReclassified(let event): event
            case .caseRecovered(let event): event
            case .contactIdentified(let event): event
            case .contactCleared(let event): event
            case .assessment(let event): event
            case .result(let event): event
            }
        }
    }

    /// Folds `input` in. Repeats and stale facts change nothing.
    public mutating func apply(_ input: Input) {
        switch input {
        case .caseOpened(let event):
            // A repeat of the case that already ended does not reopen it.
            if caseId == event.caseId, caseClosedAt != nil { return }
            let sameCase = caseId == event.caseId
            if !sameCase { caseClosedAt = nil }
            caseId = event.caseId
            classification = event.classification
            // A repeated opening says "unassessed"; an assessment since then stands.
            if !(sameCase && event.severity == .unassessed && severity != nil) { severity = event.severity }
            // An assessment that came before the case (another topic) says more than "unassessed".
            if severity == .unassessed, let assessed = assessedSeverity { severity = assessed }
            areaCode = event.areaCode
            if let age = event.ageYears { ageYears = age }
        case .caseReclassified(let event):
            guard caseId == nil || caseId == event.caseId else { return }
            caseId = event.caseId
            classification = event.classification
            severity = event.severity
            areaCode = event.areaCode
        case .caseRecovered(let event):
            guard caseId == nil || caseId == event.caseId else { return }
            caseId = event.caseId
            caseClosedAt = event.recoveredAt
            areaCode = areaCode ?? event.areaCode
        case .contactIdentified(let event):
            if let tier = contactTier, Self.rank(tier) > Self.rank(event.tier), contactClearedAt == nil {
                lastExposureAt = max(lastExposureAt ?? event.lastExposureAt, event.lastExposureAt)
                return
            }
            if contactId != event.contactId || (contactClearedAt.map { event.identifiedAt > $0 } ?? false) {
                contactClearedAt = nil
                contactClearance = nil
            }
            contactId = event.contactId
            contactTier = event.tier
            lastExposureAt = max(lastExposureAt ?? event.lastExposureAt, event.lastExposureAt)
            if caseId == nil || !hasOpenCase { areaCode = event.areaCode }
        case .contactCleared(let event):
            guard contactId == nil || contactId == event.contactId else { return }
            contactId = event.contactId
            contactClearedAt = event.clearedAt
            contactClearance = event.clearance
        case .assessment(let event):
            if let previous = assessedAt, event.assessedAt < previous { return }
            assessedAt = event.assessedAt
            if let age = event.ageYears { ageYears = age }
            needsCare = event.needsCare
            assessedSeverity = Self.caseSeverity(event.severity)
            if hasOpenCase {
                severity = Self.caseSeverity(event.severity)
                if event.discharged { caseClosedAt = event.assessedAt }
            }
        case .result(let event):
            if let existing = results[event.resultId], existing.version > event.version { return }
            // A cancellation stays as a mark that counts for nothing, so an older version arriving
            // late cannot bring the result back.
            let counts = event.status != .cancelled
            results[event.resultId] = ResultMark(
                version: event.version, collectedAt: event.collectedAt,
                releaseNegative: counts && event.interpretation == .negative && event.testKind == .pcr && !event.isScreeningOnly,
                nonNegative: counts && event.interpretation != .negative)
            lastNegativeAt = results.values.filter(\.releaseNegative).map(\.collectedAt).max()
            lastNonNegativeAt = results.values.filter(\.nonNegative).map(\.collectedAt).max()
        }
    }

    /// The case severity a clinical severity means.
    public static func caseSeverity(_ severity: ClinicalSeverity) -> CaseSeverity {
        switch severity {
        case .asymptomatic: .asymptomatic
        case .mild: .mild
        case .moderate: .moderate
        case .severe: .severe
        case .critical: .critical
        }
    }

    /// Close before secondary before companion.
    static func rank(_ tier: ContactTier) -> Int {
        switch tier {
        case .close: 3
        case .secondary: 2
        case .companion: 1
        }
    }
}
