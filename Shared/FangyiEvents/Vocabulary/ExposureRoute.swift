/// The setting through which an exposure or a transmission link was found.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum ExposureRoute: String, ClosedStringEnum {
    /// A shared venue, from check-ins.
    case venue
    /// The same household.
    case household
    /// The same workplace.
    case workplace
    /// The same class.
    case classmate
    /// Named in an epidemiological interview.
    case interview
}
