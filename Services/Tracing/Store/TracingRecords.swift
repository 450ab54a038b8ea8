public import FangyiEvents
public import Foundation

/// A visit by a case or a close contact that exposes others: a later check-in at the same
/// venue overlapping it makes its person a contact at tier ``grants``.
/// Concurrency: a value type; `Sendable`.
public struct ExposureSource: Sendable, Hashable {
    /// The visit (the case's or close contact's own).
    public var visit: Visit
    /// The case traced from.
    public var caseId: String
    /// The close contact whose visit this is, for secondary exposure.
    public var contactId: String?
    /// The tier co-presence gives.
    public var grants: ContactTier

    /// Creates a source.
    public init(visit: Visit, caseId: String, contactId: String?, grants: ContactTier) {
        self.visit = visit
        self.caseId = caseId
        self.contactId = contactId
        self.grants = grants
    }
}

/// What tracing knows about one person, read after the person's row is locked.
/// Concurrency: a value type; `Sendable`.
public struct PersonState: Sendable {
    /// The person.
    public var subjectRef: String
    /// Residence area, from their lab results.
    public var areaCode: String?
    /// The open case, if any.
    public var openCaseId: String?
    /// The active contact record, if any.
    public var contact: ContactRecord?
    /// Latest clinical facts.
    public var symptomatic: Bool
    public var symptomOnset: Date?
    public var clinicalSeverity: ClinicalSeverity?
    public var admittedAt: Date?
    public var ageYears: Int?
}

/// A contact row.
/// Concurrency: a value type; `Sendable`.
public struct ContactRecord: Sendable, Hashable {
    public var contactId: String
    public var subjectRef: String
    public var tier: ContactTier
    public var sourceCaseId: String
    public var viaContactId: String?
    public var via: ExposureRoute
    public var venueId: String?
    public var areaCode: String
    public var exposureAreaCode: String
    public var exposure: TimeSpan
    public var identifiedAt: Date
    public var followUpDeadline: Date
    public var followedUpAt: Date?
}

/// A case row.
/// Concurrency: a value type; `Sendable`.
public struct CaseRecord: Sendable, Hashable {
    public var caseId: String
    public var subjectRef: String
    public var classification: CaseClassification
    public var severity: CaseSeverity
    public var areaCode: String
    public var sampleCollectedAt: Date
    public var reportedAt: Date
    public var window: TimeSpan
    public var positiveResultId: String
    public var openedAt: Date
    public var chainId: String
    public var sourceCaseId: String?
    public var linkVia: ExposureRoute?
    public var linkVenueId: String?
    public var recoveredAt: Date?
}
