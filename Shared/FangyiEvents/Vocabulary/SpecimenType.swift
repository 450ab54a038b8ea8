/// The kind of specimen a test was run on.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum SpecimenType: String, ClosedStringEnum {
    /// Nasopharyngeal swab.
    case nasopharyngealSwab
    /// Oropharyngeal (throat) swab.
    case oropharyngealSwab
    /// Anterior nasal swab, typical for antigen self-tests.
    case nasalSwab
    /// Sputum.
    case sputum
    /// Lower respiratory tract secretion.
    case lowerRespiratorySecretion
    /// Blood, serum or plasma.
    case blood
    /// Feces or anal swab.
    case feces
    /// Urine.
    case urine
}
