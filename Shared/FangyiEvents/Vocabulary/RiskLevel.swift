/// An area's epidemic risk level.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum RiskLevel: String, ClosedStringEnum {
    /// Low risk.
    case low
    /// Medium risk.
    case medium
    /// High risk.
    case high
}
