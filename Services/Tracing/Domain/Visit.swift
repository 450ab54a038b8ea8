public import FangyiEvents
public import Foundation

/// A person's stay at a venue, derived from a check-in: from the scan until the
/// check-out, or until the policy's default stay for the venue kind when there
/// was none. A check-out beyond the policy's maximum stay is cut to it.
/// Concurrency: a value type; `Sendable`.
public struct Visit: Sendable, Hashable {
    /// The venue.
    public var venueId: String
    /// The venue's kind (decides the default stay and the contact tier).
    public var venueKind: VenueKind
    /// The venue's area.
    public var areaCode: String
    /// The person.
    public var subjectRef: String
    /// When the person was there.
    public var span: TimeSpan

    /// Creates a visit from its parts.
    public init(venueId: String, venueKind: VenueKind, areaCode: String, subjectRef: String, span: TimeSpan) {
        self.venueId = venueId
        self.venueKind = venueKind
        self.areaCode = areaCode
        self.subjectRef = subjectRef
        self.span = span
    }

    /// The visit a check-in stands for under `policy`.
    public init(_ checkIn: CheckIn, policy: TracingPolicy) {
        self.init(venueId: checkIn.venueId, venueKind: checkIn.venueKind, areaCode: checkIn.areaCode,
                  subjectRef: checkIn.subjectRef,
                  span: Self.span(checkedInAt: checkIn.checkedInAt, leftAt: checkIn.leftAt, kind: checkIn.venueKind, policy: policy))
    }

    /// The span of a stay: to the check-out when known (at most the maximum stay), else the kind's default stay.
    public static func span(checkedInAt: Date, leftAt: Date?, kind: VenueKind, policy: TracingPolicy) -> TimeSpan {
        let limit = checkedInAt.adding(policy.maximumStay)
        let end = leftAt.map { min($0, limit) } ?? checkedInAt.adding(policy.stay(at: kind))
        return TimeSpan(start: checkedInAt, end: end)
    }
}
