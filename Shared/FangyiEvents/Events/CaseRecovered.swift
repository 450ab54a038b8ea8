public import Foundation

/// A case met the release criteria (by default Ct >= 35 on both targets in two consecutive samples at least 24 h apart).
///
/// Published on `tracing.cases.v1` as `fangyi.tracing.case.recovered.v1`, keyed by the subject ref.
/// Schema: `Schemas/tracing.case.recovered.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct CaseRecovered: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.tracing.case.recovered.v1"

    /// The topic this event is published on: `tracing.cases.v1`.
    public static var topic: Topic { TopicCatalog.tracingCases }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/tracing.case.recovered.v1.json`.
    public static let schemaName = "tracing.case.recovered.v1"

    /// The case id.
    public var caseId: String

    /// The person.
    public var subjectRef: String

    /// The area of the person's residence.
    public var areaCode: String

    /// The resultIds of the samples that met the release criteria.
    public var releaseResultIds: [String]

    /// When the case was closed as recovered.
    public var recoveredAt: Date

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        caseId: String,
        subjectRef: String,
        areaCode: String,
        releaseResultIds: [String],
        recoveredAt: Date
    ) {
        self.caseId = caseId
        self.subjectRef = subjectRef
        self.areaCode = areaCode
        self.releaseResultIds = releaseResultIds
        self.recoveredAt = recoveredAt
    }
}
