/// How a result is read under the interpretation policy in force.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum Interpretation: String, ClosedStringEnum {
    /// Positive: for PCR by default both ORF1ab and N have Ct < 35.
    case positive
    /// Negative.
    case negative
    /// Inconclusive: needs a single-tube retest.
    case inconclusive
}
