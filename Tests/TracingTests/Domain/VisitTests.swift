@testable import FangyiTracing
import FangyiEvents
import Foundation
import Testing

@Suite("Visit: how long a check-in stands for")
struct VisitTests {
    let policy = TracingPolicy.default
    let checkedIn = DomainFixture.at("2022-05-03T12:00:00+08:00")

    @Test("the check-out time ends the visit when given")
    func checkOut() {
        let leftAt = DomainFixture.at("2022-05-03T12:20:00+08:00")
        let span = Visit.span(checkedInAt: checkedIn, leftAt: leftAt, kind: .restaurant, policy: policy)
        #expect(span == TimeSpan(start: checkedIn, end: leftAt))
    }

    @Test("a check-out beyond the maximum stay is cut to it")
    func cappedAtMaximum() {
        let leftAt = DomainFixture.at("2022-05-05T12:00:00+08:00")
        let span = Visit.span(checkedInAt: checkedIn, leftAt: leftAt, kind: .residential, policy: policy)
        #expect(span.end == checkedIn.adding(policy.maximumStay))
        #expect(span.end == DomainFixture.at("2022-05-04T12:00:00+08:00"))
    }

    @Test("a check-out exactly at the maximum stay is kept")
    func exactlyMaximum() {
        let leftAt = checkedIn.adding(DomainFixture.hours(24))
        #expect(Visit.span(checkedInAt: checkedIn, leftAt: leftAt, kind: .retail, policy: policy).end == leftAt)
    }

    @Test("the maximum stay follows the policy")
    func policyMaximum() {
        var short = policy
        short.maximumStay = DomainFixture.hours(2)
        let leftAt = DomainFixture.at("2022-05-03T18:00:00+08:00")
        #expect(Visit.span(checkedInAt: checkedIn, leftAt: leftAt, kind: .workplace, policy: short).end
            == DomainFixture.at("2022-05-03T14:00:00+08:00"))
    }

    @Test("without a check-out the venue kind's default stay applies", arguments: [
        (VenueKind.restaurant, 90), (.retail, 45), (.market, 60), (.entertainment, 180),
        (.residential, 720), (.workplace, 480), (.school, 480), (.healthcare, 120),
    ])
    func defaultStay(kind: VenueKind, minutes: Int) {
        let span = Visit.span(checkedInAt: checkedIn, leftAt: nil, kind: kind, policy: policy)
        #expect(span.start == checkedIn)
        #expect(span.end == checkedIn.addingTimeInterval(Double(minutes * 60)))
    }

    @Test("a kind missing from the policy's stays is assumed to stay one hour")
    func missingKind() {
        var sparse = policy
        sparse.defaultStay[.religious] = nil
        #expect(sparse.stay(at: .religious) == DomainFixture.hours(1))
        #expect(Visit.span(checkedInAt: checkedIn, leftAt: nil, kind: .religious, policy: sparse).end
            == DomainFixture.at("2022-05-03T13:00:00+08:00"))
    }

    @Test("a check-out before the check-in gives an empty visit")
    func checkOutBeforeCheckIn() {
        let span = Visit.span(checkedInAt: checkedIn, leftAt: DomainFixture.at("2022-05-03T11:00:00+08:00"), kind: .retail, policy: policy)
        #expect(span.isEmpty)
        #expect(span.start == checkedIn)
    }

    @Test("a check-in event becomes a visit with its venue, person and span")
    func fromCheckIn() {
        let checkIn = CheckIn(venueId: "v-9", venueKind: .retail, areaCode: "110105", subjectRef: "p-1",
                              source: .placeCode, checkedInAt: checkedIn)
        let visit = Visit(checkIn, policy: policy)
        #expect(visit.venueId == "v-9")
        #expect(visit.venueKind == .retail)
        #expect(visit.areaCode == "110105")
        #expect(visit.subjectRef == "p-1")
        #expect(visit.span == DomainFixture.span("2022-05-03T12:00:00+08:00", "2022-05-03T12:45:00+08:00"))
    }

    @Test("longestStay is the maximum stay unless a default stay is longer")
    func longestStay() {
        #expect(policy.longestStay == DomainFixture.hours(24))
        var long = policy
        long.defaultStay[.residential] = DomainFixture.hours(30)
        #expect(long.longestStay == DomainFixture.hours(30))
    }
}
