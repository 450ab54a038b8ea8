public import FangyiEvents
public import Foundation

/// Deterministic ids: the same inputs give the same id on every instance and every replay.
public enum AllocatorIdentity {
    /// An assignment (or the waitlist entry that becomes it): the person, the purpose and the
    /// event (or schedule tick) that made the request.
    public static func assignmentID(subjectRef: String, purpose: AssignmentPurpose, cause: String) -> String {
        EventID.string(EventID.derive(["allocator.assignment", subjectRef, purpose.rawValue, cause]))
    }

    /// The id of an outgoing event: its type and the inputs that caused it.
    public static func eventID<E: FangyiEvent>(_ type: E.Type, _ inputs: String...) -> UUID {
        EventID.derive(type, from: inputs)
    }
}
