/// What intake decided about one item of an HL7 v2 message, for its acknowledgement.
///
/// Concurrency: a value type; `Sendable`.
public enum HL7v2ItemOutcome: Sendable, Equatable {
    /// The result was accepted and published as the event with this id.
    case accepted(eventID: String)
    /// The item was unreadable or failed validation.
    case rejected(IntakeProblem)
}
