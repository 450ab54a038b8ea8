/// Where a check-in record came from.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum CheckInSource: String, ClosedStringEnum {
    /// A place-code (场所码) scan.
    case placeCode
    /// A health-code (健康码) scan at a checkpoint.
    case healthCode
    /// An itinerary-code (行程码) record.
    case itineraryCode
    /// A paper or manual registration typed in later.
    case manualRegistration
}
