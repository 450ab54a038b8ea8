/// How close a contact is to a case.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum ContactTier: String, ClosedStringEnum {
    /// Close contact (密切接触者).
    case close
    /// Secondary close contact, a close contact of a close contact (次密切接触者).
    case secondary
    /// Spatiotemporal companion (时空伴随者): shared a place and time window, lower risk.
    case companion
}
