/// The kind of test that produced a result. Antigen results are screening, never confirmation.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum TestKind: String, ClosedStringEnum {
    /// Real-time fluorescent quantitative PCR (nucleic acid test, the gold standard).
    case pcr
    /// Rapid antigen test, including self-tests.
    case antigen
    /// Antibody test (IgM, IgG).
    case serology
}
