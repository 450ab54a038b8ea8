public import Foundation

/// An individual single-tube retest was ordered for a person.
///
/// Published on `tracing.contacts.v1` as `fangyi.tracing.retest.ordered.v1`, keyed by the subject ref.
/// Schema: `Schemas/tracing.retest.ordered.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct RetestOrdered: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.tracing.retest.ordered.v1"

    /// The topic this event is published on: `tracing.contacts.v1`.
    public static var topic: Topic { TopicCatalog.tracingContacts }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/tracing.retest.ordered.v1.json`.
    public static let schemaName = "tracing.retest.ordered.v1"

    /// The order id.
    public var retestId: String

    /// The person to retest.
    public var subjectRef: String

    /// The area of the person's residence, for grid workers.
    public var areaCode: String

    /// Why the retest was ordered.
    public var reason: RetestReason

    /// The positive pool, for pool retests.
    public var poolId: String?

    /// The result that triggered the order, for inconclusive or suspicious results.
    public var resultId: String?

    /// When the retest was ordered.
    public var orderedAt: Date

    /// When the specimen must be collected.
    public var dueBy: Date

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        retestId: String,
        subjectRef: String,
        areaCode: String,
        reason: RetestReason,
        poolId: String? = nil,
        resultId: String? = nil,
        orderedAt: Date,
        dueBy: Date
    ) {
        self.retestId = retestId
        self.subjectRef = subjectRef
        self.areaCode = areaCode
        self.reason = reason
        self.poolId = poolId
        self.resultId = resultId
        self.orderedAt = orderedAt
        self.dueBy = dueBy
    }
}
