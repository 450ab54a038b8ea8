/// Why an individual retest was ordered.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum RetestReason: String, ClosedStringEnum {
    /// A pooled (mixed) sample containing this person was positive.
    case poolPositive
    /// The person's own result was inconclusive.
    case inconclusive
    /// A suspicious positive is re-checked before anyone is declared a case.
    case suspiciousPositive
    /// A test before release from quarantine or treatment.
    case releaseTest
}
