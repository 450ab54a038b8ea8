/// Whether intake accepted one submitted item.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum ReceiptOutcome: String, ClosedStringEnum {
    /// The item was validated and published.
    case accepted
    /// The item was refused; the receipt names the problem.
    case rejected
}
