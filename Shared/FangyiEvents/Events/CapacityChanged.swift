public import Foundation

/// The occupancy of one unit type at one facility changed.
///
/// Published on `resources.capacity.v1` as `fangyi.resource.capacity.changed.v1`, keyed by the facility id.
/// Schema: `Schemas/resource.capacity.changed.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct CapacityChanged: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.resource.capacity.changed.v1"

    /// The topic this event is published on: `resources.capacity.v1`.
    public static var topic: Topic { TopicCatalog.resourceCapacity }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/resource.capacity.changed.v1.json`.
    public static let schemaName = "resource.capacity.changed.v1"

    /// The facility.
    public var facilityId: String

    /// The kind of facility.
    public var facilityKind: FacilityKind

    /// The area of the facility.
    public var areaCode: String

    /// The unit type counted.
    public var unitType: UnitType

    /// All units of this type, including out of service.
    public var total: Int

    /// Units in use.
    public var occupied: Int

    /// Units ready for a new person.
    public var free: Int

    /// Units not usable (cleaning, repair).
    public var outOfService: Int

    /// Persons waiting for this unit type in the area.
    public var waitlist: Int

    /// When the counts were taken.
    public var changedAt: Date

    /// The Kafka record key: the facility id.
    public var partitionKey: String { facilityId }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        facilityId: String,
        facilityKind: FacilityKind,
        areaCode: String,
        unitType: UnitType,
        total: Int,
        occupied: Int,
        free: Int,
        outOfService: Int,
        waitlist: Int,
        changedAt: Date
    ) {
        self.facilityId = facilityId
        self.facilityKind = facilityKind
        self.areaCode = areaCode
        self.unitType = unitType
        self.total = total
        self.occupied = occupied
        self.free = free
        self.outOfService = outOfService
        self.waitlist = waitlist
        self.changedAt = changedAt
    }
}
