/// The outcome of one delivery attempt.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum DeliveryOutcome: String, ClosedStringEnum {
    /// The subscriber acknowledged the alert.
    case delivered
    /// The attempt failed and will be retried.
    case failed
    /// Retries are exhausted; operations must act.
    case deadLettered
}
