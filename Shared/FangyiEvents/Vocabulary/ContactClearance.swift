/// Why a contact left follow-up.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum ContactClearance: String, ClosedStringEnum {
    /// Quarantine and monitoring finished with a negative release test.
    case released
    /// The contact became a case; follow-up continues as a case.
    case becameCase
    /// Investigation showed there was no exposure.
    case excluded
}
