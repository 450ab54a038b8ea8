/// Why an assignment ended.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum ReleaseReason: String, ClosedStringEnum {
    /// The person recovered and was discharged.
    case recovered
    /// The quarantine period ended with a negative release test.
    case quarantineCompleted
    /// The person moved to another unit (see AssignmentTransferred).
    case transferred
    /// The assignment was withdrawn before or after arrival.
    case cancelled
}
