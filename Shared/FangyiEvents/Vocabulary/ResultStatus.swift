/// The lifecycle status of one lab result version.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum ResultStatus: String, ClosedStringEnum {
    /// The first complete report of the result.
    case final
    /// A later version that replaces an earlier one (see `supersedes`).
    case corrected
    /// The lab withdrew the result; consumers undo what it caused.
    case cancelled
}
