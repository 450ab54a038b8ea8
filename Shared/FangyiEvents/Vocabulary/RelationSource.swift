/// Where a relation was learned from.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum RelationSource: String, ClosedStringEnum {
    /// The household registry.
    case householdRegistry
    /// An employer's staff list.
    case employer
    /// A school's class roster.
    case school
    /// An epidemiological interview.
    case interview
    /// A big-data match (for example phone co-location).
    case bigData
    /// A tip-off from the public.
    case tipOff
}
