public import Foundation

/// The result of a pooled (mixed, 混检) sample. A positive pool puts every member under temporary control and orders individual retests; members are not cases until their own result.
///
/// Published on `lab.results.v1` as `fangyi.lab.pool.result.recorded.v1`, keyed by the pool id.
/// Schema: `Schemas/lab.pool.result.recorded.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct PoolResultRecorded: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.lab.pool.result.recorded.v1"

    /// The topic this event is published on: `lab.results.v1`.
    public static var topic: Topic { TopicCatalog.labResults }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/lab.pool.result.recorded.v1.json`.
    public static let schemaName = "lab.pool.result.recorded.v1"

    /// The lab's id of the pooled sample.
    public var poolId: String

    /// The lab that reported the result.
    public var labId: String

    /// The area where the pool was collected.
    public var areaCode: String

    /// The persons in the pool, typically 10 or 20.
    public var members: [PoolMember]

    /// The reading of the pooled sample.
    public var interpretation: Interpretation

    /// When the pooled sample was collected.
    public var collectedAt: Date

    /// When the lab reported the result.
    public var reportedAt: Date

    /// The Kafka record key: the pool id.
    public var partitionKey: String { poolId }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        poolId: String,
        labId: String,
        areaCode: String,
        members: [PoolMember],
        interpretation: Interpretation,
        collectedAt: Date,
        reportedAt: Date
    ) {
        self.poolId = poolId
        self.labId = labId
        self.areaCode = areaCode
        self.members = members
        self.interpretation = interpretation
        self.collectedAt = collectedAt
        self.reportedAt = reportedAt
    }
}
