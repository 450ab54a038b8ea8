/// The kind of place a place code (场所码) belongs to.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum VenueKind: String, ClosedStringEnum {
    /// A residential compound or building.
    case residential
    /// An office, factory or construction site.
    case workplace
    /// A school, kindergarten or university.
    case school
    /// A hospital, clinic or pharmacy.
    case healthcare
    /// A shop or supermarket.
    case retail
    /// A wet market or wholesale market, including cold-chain markets.
    case market
    /// A restaurant, canteen or food stall.
    case restaurant
    /// A cinema, gym, bar or other leisure venue.
    case entertainment
    /// A station, airport, bus or taxi.
    case transport
    /// A government service hall or office.
    case government
    /// A place of worship.
    case religious
    /// Any other kind of place.
    case other
}
