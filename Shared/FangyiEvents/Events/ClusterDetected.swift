public import Foundation

/// Tracing detected a cluster (聚集性疫情): two or more linked cases in one setting.
///
/// Published on `tracing.clusters.v1` as `fangyi.tracing.cluster.detected.v1`, keyed by the area code.
/// Schema: `Schemas/tracing.cluster.detected.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct ClusterDetected: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.tracing.cluster.detected.v1"

    /// The topic this event is published on: `tracing.clusters.v1`.
    public static var topic: Topic { TopicCatalog.tracingClusters }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/tracing.cluster.detected.v1.json`.
    public static let schemaName = "tracing.cluster.detected.v1"

    /// The cluster id.
    public var clusterId: String

    /// The area of the cluster.
    public var areaCode: String

    /// The cases in the cluster so far.
    public var caseIds: [String]

    /// The shared setting.
    public var via: ExposureRoute

    /// The venue, for venue clusters.
    public var venueId: String?

    /// When the cluster was detected.
    public var detectedAt: Date

    /// The Kafka record key: the area code.
    public var partitionKey: String { areaCode }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        clusterId: String,
        areaCode: String,
        caseIds: [String],
        via: ExposureRoute,
        venueId: String? = nil,
        detectedAt: Date
    ) {
        self.clusterId = clusterId
        self.areaCode = areaCode
        self.caseIds = caseIds
        self.via = via
        self.venueId = venueId
        self.detectedAt = detectedAt
    }
}
