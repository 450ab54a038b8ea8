/// The kind of bed or room.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum UnitType: String, ClosedStringEnum {
    /// A general ward bed.
    case generalBed
    /// An ICU bed.
    case icuBed
    /// A negative-pressure isolation bed.
    case negativePressureBed
    /// A single quarantine room.
    case quarantineSingleRoom
    /// A quarantine room for a family (children with a guardian).
    case familyRoom
}
