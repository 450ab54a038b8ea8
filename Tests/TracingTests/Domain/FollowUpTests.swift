@testable import FangyiTracing
import FangyiEvents
import Foundation
import Testing

@Suite("FollowUp: found and isolated the same local day")
struct FollowUpTests {
    let policy = TracingPolicy.default

    @Test("the deadline is the end of the local (UTC+8) day")
    func endOfLocalDay() {
        let identified = DomainFixture.at("2022-05-03T10:15:00+08:00")
        #expect(FollowUp.deadline(identifiedAt: identified, policy: policy) == DomainFixture.at("2022-05-04T00:00:00+08:00"))
    }

    @Test("the local day, not the UTC day, decides: 07:00 local is the previous UTC day")
    func localNotUTC() {
        let identified = DomainFixture.at("2022-05-03T07:00:00+08:00")  // 2022-05-02T23:00Z
        #expect(FollowUp.deadline(identifiedAt: identified, policy: policy) == DomainFixture.at("2022-05-03T16:00:00Z"))
    }

    @Test("a contact identified at 23:30 local gets the minimum follow-up time, not 30 minutes")
    func lateAtNight() {
        let identified = DomainFixture.at("2022-05-03T23:30:00+08:00")
        #expect(FollowUp.deadline(identifiedAt: identified, policy: policy) == DomainFixture.at("2022-05-04T01:30:00+08:00"))
    }

    @Test("exactly two hours before midnight the end of day and the minimum agree")
    func twoHoursBefore() {
        let identified = DomainFixture.at("2022-05-03T22:00:00+08:00")
        #expect(FollowUp.deadline(identifiedAt: identified, policy: policy) == DomainFixture.at("2022-05-04T00:00:00+08:00"))
    }

    @Test("a contact identified at local midnight has the whole day")
    func atMidnight() {
        let identified = DomainFixture.at("2022-05-04T00:00:00+08:00")
        #expect(FollowUp.deadline(identifiedAt: identified, policy: policy) == DomainFixture.at("2022-05-05T00:00:00+08:00"))
    }

    @Test("the deadline is never before identification plus the minimum follow-up", arguments: [
        "2022-05-03T00:00:00+08:00", "2022-05-03T12:00:00+08:00", "2022-05-03T21:59:59+08:00",
        "2022-05-03T23:59:59+08:00", "2022-05-03T16:00:00Z",
    ])
    func neverTooSoon(instant: String) {
        let identified = DomainFixture.at(instant)
        let deadline = FollowUp.deadline(identifiedAt: identified, policy: policy)
        #expect(deadline >= identified.adding(policy.minimumFollowUp))
        #expect(deadline <= identified.adding(.seconds(86_400)))
    }

    @Test("a zero minimum follow-up leaves the end of the day")
    func zeroMinimum() {
        var policy = policy
        policy.minimumFollowUp = .zero
        let identified = DomainFixture.at("2022-05-03T23:30:00+08:00")
        #expect(FollowUp.deadline(identifiedAt: identified, policy: policy) == DomainFixture.at("2022-05-04T00:00:00+08:00"))
    }

    @Test("another UTC offset moves the end of the day")
    func otherOffset() {
        var policy = policy
        policy.utcOffset = .seconds(-5 * 3600)
        let identified = DomainFixture.at("2022-05-03T20:00:00-05:00")
        #expect(FollowUp.deadline(identifiedAt: identified, policy: policy) == DomainFixture.at("2022-05-04T00:00:00-05:00"))
    }

    @Test("the local day runs from local midnight to the next")
    func localDay() {
        let day = FollowUp.localDay(containing: DomainFixture.at("2022-05-03T15:00:00+08:00"), policy: policy)
        #expect(day == DomainFixture.span("2022-05-03T00:00:00+08:00", "2022-05-04T00:00:00+08:00"))
    }

    @Test("local midnight starts a new day; one second before it belongs to the old one")
    func localDayBoundaries() {
        let midnight = DomainFixture.at("2022-05-04T00:00:00+08:00")
        let newDay = FollowUp.localDay(containing: midnight, policy: policy)
        let oldDay = FollowUp.localDay(containing: midnight.addingTimeInterval(-1), policy: policy)
        #expect(newDay.start == midnight)
        #expect(oldDay.end == midnight)
        #expect(oldDay.start == DomainFixture.at("2022-05-03T00:00:00+08:00"))
    }

    @Test("a UTC evening is the next local day")
    func localDayAcrossUTC() {
        let day = FollowUp.localDay(containing: DomainFixture.at("2022-05-03T17:00:00Z"), policy: policy)
        #expect(day.start == DomainFixture.at("2022-05-04T00:00:00+08:00"))
    }
}
