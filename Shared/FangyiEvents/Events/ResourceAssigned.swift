public import Foundation

/// The allocator assigned a bed or room to a person.
///
/// Published on `resources.allocations.v1` as `fangyi.resource.assigned.v1`, keyed by the subject ref.
/// Schema: `Schemas/resource.assigned.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct ResourceAssigned: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.resource.assigned.v1"

    /// The topic this event is published on: `resources.allocations.v1`.
    public static var topic: Topic { TopicCatalog.resourceAllocations }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/resource.assigned.v1.json`.
    public static let schemaName = "resource.assigned.v1"

    /// The assignment id.
    public var assignmentId: String

    /// The person.
    public var subjectRef: String

    /// What the unit is for.
    public var purpose: AssignmentPurpose

    /// The facility.
    public var facilityId: String

    /// The kind of facility.
    public var facilityKind: FacilityKind

    /// The bed or room.
    public var unitId: String

    /// The kind of bed or room.
    public var unitType: UnitType

    /// Whether a ventilator is reserved with the unit.
    public var ventilator: Bool

    /// When the unit was assigned.
    public var assignedAt: Date

    /// When the assignment is expected to end (for quarantine, the end of the period).
    public var expectedEnd: Date?

    /// The allocation policy version that made the decision.
    public var policyVersion: String

    /// Why this unit, in words for the operator.
    public var reason: String

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        assignmentId: String,
        subjectRef: String,
        purpose: AssignmentPurpose,
        facilityId: String,
        facilityKind: FacilityKind,
        unitId: String,
        unitType: UnitType,
        ventilator: Bool,
        assignedAt: Date,
        expectedEnd: Date? = nil,
        policyVersion: String,
        reason: String
    ) {
        self.assignmentId = assignmentId
        self.subjectRef = subjectRef
        self.purpose = purpose
        self.facilityId = facilityId
        self.facilityKind = facilityKind
        self.unitId = unitId
        self.unitType = unitType
        self.ventilator = ventilator
        self.assignedAt = assignedAt
        self.expectedEnd = expectedEnd
        self.policyVersion = policyVersion
        self.reason = reason
    }
}
