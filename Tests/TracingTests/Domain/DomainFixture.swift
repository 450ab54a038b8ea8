@testable import FangyiTracing
import FangyiEvents
import Foundation

/// Fixtures shared by the domain tests: fixed instants and small builders, so every
/// test states its inputs in wall-clock terms and no test depends on the clock.
enum DomainFixture {
    /// The instant `text` (ISO 8601 with an offset, e.g. `2022-05-03T08:30:00+08:00`);
    /// `distantPast` for a typo, which makes the test that used it fail visibly.
    static func at(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text) ?? .distantPast
    }

    /// A span between two ISO 8601 instants.
    static func span(_ start: String, _ end: String) -> TimeSpan {
        TimeSpan(start: at(start), end: at(end))
    }

    /// `count` hours as a `Duration` (spelled out so these tests do not depend on the module's helpers).
    static func hours(_ count: Int) -> Duration { .seconds(count * 3600) }

    /// `count` minutes as a `Duration`.
    static func minutes(_ count: Int) -> Duration { .seconds(count * 60) }

    /// A venue finding for `subjectRef` from case `c1`.
    static func finding(
        _ subjectRef: String, tier: ContactTier, exposure: TimeSpan, sourceCaseId: String = "c1",
        viaContactId: String? = nil, via: ExposureRoute = .venue, venueId: String? = "v1"
    ) -> ContactFinding {
        ContactFinding(subjectRef: subjectRef, tier: tier, sourceCaseId: sourceCaseId, viaContactId: viaContactId,
                       via: via, venueId: venueId, exposureAreaCode: "110101", exposure: exposure)
    }
}
