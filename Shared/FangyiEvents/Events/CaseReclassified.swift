public import Foundation

/// A case changed classification or severity (for example asymptomatic to confirmed, or suspected excluded after a re-check).
///
/// Published on `tracing.cases.v1` as `fangyi.tracing.case.reclassified.v1`, keyed by the subject ref.
/// Schema: `Schemas/tracing.case.reclassified.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct CaseReclassified: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.tracing.case.reclassified.v1"

    /// The topic this event is published on: `tracing.cases.v1`.
    public static var topic: Topic { TopicCatalog.tracingCases }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/tracing.case.reclassified.v1.json`.
    public static let schemaName = "tracing.case.reclassified.v1"

    /// The case id.
    public var caseId: String

    /// The person.
    public var subjectRef: String

    /// The classification before.
    public var previousClassification: CaseClassification

    /// The classification now.
    public var classification: CaseClassification

    /// The severity now.
    public var severity: CaseSeverity

    /// The area of the person's residence.
    public var areaCode: String

    /// Why the case was reclassified.
    public var reason: String

    /// The event that caused the reclassification (an assessment or a result).
    public var evidenceEventId: String?

    /// When the case was reclassified.
    public var reclassifiedAt: Date

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        caseId: String,
        subjectRef: String,
        previousClassification: CaseClassification,
        classification: CaseClassification,
        severity: CaseSeverity,
        areaCode: String,
        reason: String,
        evidenceEventId: String? = nil,
        reclassifiedAt: Date
    ) {
        self.caseId = caseId
        self.subjectRef = subjectRef
        self.previousClassification = previousClassification
        self.classification = classification
        self.severity = severity
        self.areaCode = areaCode
        self.reason = reason
        self.evidenceEventId = evidenceEventId
        self.reclassifiedAt = reclassifiedAt
    }
}
