public import Foundation

/// A case was linked to the case it was infected by, joining a transmission chain (溯源).
///
/// Published on `tracing.cases.v1` as `fangyi.tracing.case.linked.v1`, keyed by the subject ref.
/// Schema: `Schemas/tracing.case.linked.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct CaseLinked: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.tracing.case.linked.v1"

    /// The topic this event is published on: `tracing.cases.v1`.
    public static var topic: Topic { TopicCatalog.tracingCases }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/tracing.case.linked.v1.json`.
    public static let schemaName = "tracing.case.linked.v1"

    /// The infected case.
    public var caseId: String

    /// The person of the infected case.
    public var subjectRef: String

    /// The case it was infected by.
    public var sourceCaseId: String

    /// The transmission chain both cases belong to.
    public var chainId: String

    /// The setting of the transmission.
    public var via: ExposureRoute

    /// When the link was made.
    public var linkedAt: Date

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        caseId: String,
        subjectRef: String,
        sourceCaseId: String,
        chainId: String,
        via: ExposureRoute,
        linkedAt: Date
    ) {
        self.caseId = caseId
        self.subjectRef = subjectRef
        self.sourceCaseId = sourceCaseId
        self.chainId = chainId
        self.via = via
        self.linkedAt = linkedAt
    }
}
