public import FangyiEvents
public import Foundation

/// A submitted item that passed validation: the event it becomes and that event's id.
/// Concurrency: a value type; `Sendable`.
public struct AcceptedResult: Sendable {
    /// The event to publish on `lab.results.v1`.
    public enum Event: Sendable {
        /// One person's result.
        case individual(LabResultRecorded)
        /// A pooled sample's result, naming every member.
        case pool(PoolResultRecorded)
    }

    /// The event.
    public var event: Event
    /// Its deterministic id: the same lab, specimen and version always give the same id.
    public var eventID: UUID
    /// The specimen (or pool) id, for the receipt.
    public var specimenId: String
    /// The test kind, for metrics.
    public var testKind: TestKind

    /// Creates an accepted result.
    public init(event: Event, eventID: UUID, specimenId: String, testKind: TestKind) {
        self.event = event
        self.eventID = eventID
        self.specimenId = specimenId
        self.testKind = testKind
    }
}
