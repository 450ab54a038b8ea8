public import Foundation

/// A standby facility was ordered open (宁可备而不用，不可用而无备).
///
/// Published on `resources.capacity.v1` as `fangyi.resource.standby.activated.v1`, keyed by the facility id.
/// Schema: `Schemas/resource.standby.activated.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct StandbyActivated: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.resource.standby.activated.v1"

    /// The topic this event is published on: `resources.capacity.v1`.
    public static var topic: Topic { TopicCatalog.resourceCapacity }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/resource.standby.activated.v1.json`.
    public static let schemaName = "resource.standby.activated.v1"

    /// The standby facility.
    public var facilityId: String

    /// The kind of facility.
    public var facilityKind: FacilityKind

    /// The area of the facility.
    public var areaCode: String

    /// Units the facility adds when ready.
    public var units: Int

    /// When the activation was ordered.
    public var activatedAt: Date

    /// When the facility is expected to take people (within 72 h by default).
    public var readyAt: Date

    /// Why it was activated.
    public var reason: String

    /// The Kafka record key: the facility id.
    public var partitionKey: String { facilityId }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        facilityId: String,
        facilityKind: FacilityKind,
        areaCode: String,
        units: Int,
        activatedAt: Date,
        readyAt: Date,
        reason: String
    ) {
        self.facilityId = facilityId
        self.facilityKind = facilityKind
        self.areaCode = areaCode
        self.units = units
        self.activatedAt = activatedAt
        self.readyAt = readyAt
        self.reason = reason
    }
}
