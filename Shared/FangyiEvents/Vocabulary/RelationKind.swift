/// How two persons are related for tracing.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum RelationKind: String, ClosedStringEnum {
    /// They live in the same household.
    case household
    /// They work together.
    case workplace
    /// They study in the same class.
    case classmate
    /// One named the other in an epidemiological interview (流调).
    case interviewDeclared
}
