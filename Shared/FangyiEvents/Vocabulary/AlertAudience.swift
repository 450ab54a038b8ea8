/// Who an alert is for.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum AlertAudience: String, ClosedStringEnum {
    /// The public. Never carries personal data.
    case `public`
    /// CDC and the command centre (指挥部).
    case healthAuthority
    /// Community grid workers (网格员) of the area.
    case grid
    /// A hospital or quarantine site.
    case facility
    /// The person concerned, reached through the sealed contact details.
    case person
}
