/// The clinical severity of a person at an assessment.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum ClinicalSeverity: String, ClosedStringEnum {
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
