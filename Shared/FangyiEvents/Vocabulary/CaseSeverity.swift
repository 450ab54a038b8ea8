/// The severity recorded on a case; `unassessed` until a clinical assessment arrives.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum CaseSeverity: String, ClosedStringEnum {
    /// No clinical assessment yet.
    case unassessed
    /// No symptoms.
    case asymptomatic
    /// Mild.
    case mild
    /// Moderate.
    case moderate
    /// Severe.
    case severe
    /// Critical.
    case critical
}
