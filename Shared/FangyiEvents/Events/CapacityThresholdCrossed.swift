public import Foundation

/// Occupancy of one unit type at one facility crossed a configured threshold (a city must never run out silently).
///
/// Published on `resources.capacity.v1` as `fangyi.resource.capacity.threshold.crossed.v1`, keyed by the facility id.
/// Schema: `Schemas/resource.capacity.threshold.crossed.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct CapacityThresholdCrossed: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.resource.capacity.threshold.crossed.v1"

    /// The topic this event is published on: `resources.capacity.v1`.
    public static var topic: Topic { TopicCatalog.resourceCapacity }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/resource.capacity.threshold.crossed.v1.json`.
    public static let schemaName = "resource.capacity.threshold.crossed.v1"

    /// The facility.
    public var facilityId: String

    /// The kind of facility.
    public var facilityKind: FacilityKind

    /// The area of the facility.
    public var areaCode: String

    /// The unit type.
    public var unitType: UnitType

    /// The threshold crossed, in percent occupancy.
    public var thresholdPercent: Int

    /// Which way occupancy moved.
    public var direction: ThresholdDirection

    /// Occupancy after the change, in percent of in-service units.
    public var occupancyPercent: Double

    /// Units free after the change.
    public var free: Int

    /// All units of this type.
    public var total: Int

    /// When the threshold was crossed.
    public var crossedAt: Date

    /// The Kafka record key: the facility id.
    public var partitionKey: String { facilityId }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        facilityId: String,
        facilityKind: FacilityKind,
        areaCode: String,
        unitType: UnitType,
        thresholdPercent: Int,
        direction: ThresholdDirection,
        occupancyPercent: Double,
        free: Int,
        total: Int,
        crossedAt: Date
    ) {
        self.facilityId = facilityId
        self.facilityKind = facilityKind
        self.areaCode = areaCode
        self.unitType = unitType
        self.thresholdPercent = thresholdPercent
        self.direction = direction
        self.occupancyPercent = occupancyPercent
        self.free = free
        self.total = total
        self.crossedAt = crossedAt
    }
}
