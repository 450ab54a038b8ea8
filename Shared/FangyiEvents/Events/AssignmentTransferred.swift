public import Foundation

/// A person moved from one unit to another (for example from a fangcang bed to an ICU bed when severity rose).
///
/// Published on `resources.allocations.v1` as `fangyi.resource.assignment.transferred.v1`, keyed by the subject ref.
/// Schema: `Schemas/resource.assignment.transferred.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct AssignmentTransferred: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.resource.assignment.transferred.v1"

    /// The topic this event is published on: `resources.allocations.v1`.
    public static var topic: Topic { TopicCatalog.resourceAllocations }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/resource.assignment.transferred.v1.json`.
    public static let schemaName = "resource.assignment.transferred.v1"

    /// The new assignment id.
    public var assignmentId: String

    /// The assignment that ended with the transfer.
    public var previousAssignmentId: String

    /// The person.
    public var subjectRef: String

    /// What the new unit is for.
    public var purpose: AssignmentPurpose

    /// The facility the person leaves.
    public var fromFacilityId: String

    /// The unit the person leaves.
    public var fromUnitId: String

    /// The facility the person goes to.
    public var toFacilityId: String

    /// The kind of the new facility.
    public var toFacilityKind: FacilityKind

    /// The new unit.
    public var toUnitId: String

    /// The kind of the new unit.
    public var toUnitType: UnitType

    /// Whether a ventilator is reserved with the new unit.
    public var ventilator: Bool

    /// When the transfer was decided.
    public var transferredAt: Date

    /// The allocation policy version that made the decision.
    public var policyVersion: String

    /// Why the person was transferred.
    public var reason: String

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        assignmentId: String,
        previousAssignmentId: String,
        subjectRef: String,
        purpose: AssignmentPurpose,
        fromFacilityId: String,
        fromUnitId: String,
        toFacilityId: String,
        toFacilityKind: FacilityKind,
        toUnitId: String,
        toUnitType: UnitType,
        ventilator: Bool,
        transferredAt: Date,
        policyVersion: String,
        reason: String
    ) {
        self.assignmentId = assignmentId
        self.previousAssignmentId = previousAssignmentId
        self.subjectRef = subjectRef
        self.purpose = purpose
        self.fromFacilityId = fromFacilityId
        self.fromUnitId = fromUnitId
        self.toFacilityId = toFacilityId
        self.toFacilityKind = toFacilityKind
        self.toUnitId = toUnitId
        self.toUnitType = toUnitType
        self.ventilator = ventilator
        self.transferredAt = transferredAt
        self.policyVersion = policyVersion
        self.reason = reason
    }
}
