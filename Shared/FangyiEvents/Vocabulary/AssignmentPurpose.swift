/// What a bed or room is assigned for.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum AssignmentPurpose: String, ClosedStringEnum {
    /// Treatment of a case (定点医院 or 方舱).
    case treatment
    /// Centralized quarantine of a contact (集中隔离).
    case quarantine
    /// Medical care for a person in quarantine (黄码医院).
    case care
}
