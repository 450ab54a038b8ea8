public import Foundation

/// No suitable unit was free; the person is on the waitlist (never silently dropped).
///
/// Published on `resources.allocations.v1` as `fangyi.resource.assignment.waitlisted.v1`, keyed by the subject ref.
/// Schema: `Schemas/resource.assignment.waitlisted.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct AssignmentWaitlisted: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.resource.assignment.waitlisted.v1"

    /// The topic this event is published on: `resources.allocations.v1`.
    public static var topic: Topic { TopicCatalog.resourceAllocations }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/resource.assignment.waitlisted.v1.json`.
    public static let schemaName = "resource.assignment.waitlisted.v1"

    /// The id the assignment will have once a unit is free.
    public var assignmentId: String

    /// The person.
    public var subjectRef: String

    /// What a unit is needed for.
    public var purpose: AssignmentPurpose

    /// The kind of facility needed.
    public var facilityKind: FacilityKind

    /// The kind of unit needed.
    public var unitType: UnitType

    /// The area of the person's residence.
    public var areaCode: String

    /// The position on the waitlist, 1 for the next.
    public var position: Int

    /// When the person was waitlisted.
    public var waitlistedAt: Date

    /// The allocation policy version that made the decision.
    public var policyVersion: String

    /// Why the person is waiting, in words for the operator.
    public var reason: String

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        assignmentId: String,
        subjectRef: String,
        purpose: AssignmentPurpose,
        facilityKind: FacilityKind,
        unitType: UnitType,
        areaCode: String,
        position: Int,
        waitlistedAt: Date,
        policyVersion: String,
        reason: String
    ) {
        self.assignmentId = assignmentId
        self.subjectRef = subjectRef
        self.purpose = purpose
        self.facilityKind = facilityKind
        self.unitType = unitType
        self.areaCode = areaCode
        self.position = position
        self.waitlistedAt = waitlistedAt
        self.policyVersion = policyVersion
        self.reason = reason
    }
}
