public import Foundation

/// Tracing opened a case for a person after a positive result.
///
/// Published on `tracing.cases.v1` as `fangyi.tracing.case.opened.v1`, keyed by the subject ref.
/// Schema: `Schemas/tracing.case.opened.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct CaseOpened: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.tracing.case.opened.v1"

    /// The topic this event is published on: `tracing.cases.v1`.
    public static var topic: Topic { TopicCatalog.tracingCases }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/tracing.case.opened.v1.json`.
    public static let schemaName = "tracing.case.opened.v1"

    /// The case id.
    public var caseId: String

    /// The person.
    public var subjectRef: String

    /// The kind of case.
    public var classification: CaseClassification

    /// The severity, `unassessed` until a clinical assessment arrives.
    public var severity: CaseSeverity

    /// The area of the person's residence.
    public var areaCode: String

    /// Start of the infectious window used for tracing (onset or positive sample minus the look-back).
    public var infectiousFrom: Date

    /// End of the infectious window: when the person was isolated, when known.
    public var infectiousUntil: Date?

    /// The resultId of the positive result that opened the case.
    public var positiveResultId: String

    /// When the case was opened.
    public var openedAt: Date

    /// The person's age in whole years.
    public var ageYears: Int?

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        caseId: String,
        subjectRef: String,
        classification: CaseClassification,
        severity: CaseSeverity,
        areaCode: String,
        infectiousFrom: Date,
        infectiousUntil: Date? = nil,
        positiveResultId: String,
        openedAt: Date,
        ageYears: Int? = nil
    ) {
        self.caseId = caseId
        self.subjectRef = subjectRef
        self.classification = classification
        self.severity = severity
        self.areaCode = areaCode
        self.infectiousFrom = infectiousFrom
        self.infectiousUntil = infectiousUntil
        self.positiveResultId = positiveResultId
        self.openedAt = openedAt
        self.ageYears = ageYears
    }
}
