public import Foundation

/// An assignment ended and its unit is free again.
///
/// Published on `resources.allocations.v1` as `fangyi.resource.assignment.released.v1`, keyed by the subject ref.
/// Schema: `Schemas/resource.assignment.released.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct AssignmentReleased: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.resource.assignment.released.v1"

    /// The topic this event is published on: `resources.allocations.v1`.
    public static var topic: Topic { TopicCatalog.resourceAllocations }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/resource.assignment.released.v1.json`.
    public static let schemaName = "resource.assignment.released.v1"

    /// The assignment id.
    public var assignmentId: String

    /// The person.
    public var subjectRef: String

    /// The facility.
    public var facilityId: String

    /// The bed or room now free.
    public var unitId: String

    /// Why the assignment ended.
    public var releaseReason: ReleaseReason

    /// When the unit was released.
    public var releasedAt: Date

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        assignmentId: String,
        subjectRef: String,
        facilityId: String,
        unitId: String,
        releaseReason: ReleaseReason,
        releasedAt: Date
    ) {
        self.assignmentId = assignmentId
        self.subjectRef = subjectRef
        self.facilityId = facilityId
        self.unitId = unitId
        self.releaseReason = releaseReason
        self.releasedAt = releasedAt
    }
}
