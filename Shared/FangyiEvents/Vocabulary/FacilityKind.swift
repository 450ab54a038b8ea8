/// The kind of facility.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum FacilityKind: String, ClosedStringEnum {
    /// Designated hospital for confirmed cases (定点医院).
    case designatedHospital
    /// Makeshift hospital for asymptomatic and mild cases (方舱医院).
    case fangcang
    /// Centralized quarantine site (集中隔离点).
    case quarantineSite
    /// Hospital for quarantined people who need care (黄码医院).
    case yellowCodeHospital
}
