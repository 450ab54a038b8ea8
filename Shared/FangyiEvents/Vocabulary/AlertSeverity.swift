/// How urgent an alert is.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum AlertSeverity: String, ClosedStringEnum {
    /// For information.
    case info
    /// Needs action today.
    case warning
    /// Needs action now.
    case critical
}
