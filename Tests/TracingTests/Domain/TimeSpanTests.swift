@testable import FangyiTracing
import FangyiEvents
import Foundation
import Testing

@Suite("TimeSpan: half-open overlap")
struct TimeSpanTests {
    let morning = DomainFixture.span("2022-05-03T10:00:00Z", "2022-05-03T12:00:00Z")

    @Test("spans that only touch do not overlap, in either order")
    func touching() {
        let afternoon = DomainFixture.span("2022-05-03T12:00:00Z", "2022-05-03T14:00:00Z")
        #expect(!morning.overlaps(afternoon))
        #expect(!afternoon.overlaps(morning))
        #expect(morning.intersection(afternoon) == nil)
    }

    @Test("a one-second overlap counts and its intersection is that second")
    func oneSecond() {
        let later = DomainFixture.span("2022-05-03T11:59:59Z", "2022-05-03T14:00:00Z")
        #expect(morning.overlaps(later))
        #expect(later.overlaps(morning))
        #expect(morning.intersection(later) == DomainFixture.span("2022-05-03T11:59:59Z", "2022-05-03T12:00:00Z"))
    }

    @Test("the intersection of partly overlapping spans is the shared part, whichever is asked")
    func intersection() {
        let other = DomainFixture.span("2022-05-03T11:00:00Z", "2022-05-03T13:30:00Z")
        let shared = DomainFixture.span("2022-05-03T11:00:00Z", "2022-05-03T12:00:00Z")
        #expect(morning.intersection(other) == shared)
        #expect(other.intersection(morning) == shared)
    }

    @Test("a span inside another intersects as itself")
    func contained() {
        let inner = DomainFixture.span("2022-05-03T10:30:00Z", "2022-05-03T10:45:00Z")
        #expect(morning.intersection(inner) == inner)
        #expect(inner.intersection(morning) == inner)
    }

    @Test("spans apart from each other do not overlap")
    func apart() {
        let evening = DomainFixture.span("2022-05-03T18:00:00Z", "2022-05-03T19:00:00Z")
        #expect(!morning.overlaps(evening))
        #expect(morning.intersection(evening) == nil)
    }

    @Test("an empty span never overlaps, even inside another or with itself")
    func empty() {
        let instant = DomainFixture.span("2022-05-03T11:00:00Z", "2022-05-03T11:00:00Z")
        #expect(instant.isEmpty)
        #expect(!morning.overlaps(instant))
        #expect(!instant.overlaps(morning))
        #expect(!instant.overlaps(instant))
        #expect(morning.intersection(instant) == nil)
    }

    @Test("an end before the start is clamped to an empty span at the start")
    func clamped() {
        let backwards = TimeSpan(start: DomainFixture.at("2022-05-03T12:00:00Z"), end: DomainFixture.at("2022-05-03T10:00:00Z"))
        #expect(backwards.isEmpty)
        #expect(backwards.end == DomainFixture.at("2022-05-03T12:00:00Z"))
        #expect(!morning.overlaps(backwards))
    }

    @Test("a non-empty span is not empty and overlaps itself")
    func selfOverlap() {
        #expect(!morning.isEmpty)
        #expect(morning.overlaps(morning))
        #expect(morning.intersection(morning) == morning)
    }

    @Test("the union covers both spans, even when they are apart")
    func union() {
        let evening = DomainFixture.span("2022-05-03T18:00:00Z", "2022-05-03T19:00:00Z")
        #expect(morning.union(evening) == DomainFixture.span("2022-05-03T10:00:00Z", "2022-05-03T19:00:00Z"))
        #expect(evening.union(morning) == morning.union(evening))
    }

    @Test("Date.adding moves forward and back by a Duration, including fractions of a second")
    func adding() {
        let start = DomainFixture.at("2022-05-03T10:00:00Z")
        #expect(start.adding(DomainFixture.hours(2)) == DomainFixture.at("2022-05-03T12:00:00Z"))
        #expect(start.adding(.seconds(-86_400)) == DomainFixture.at("2022-05-02T10:00:00Z"))
        #expect(start.adding(.milliseconds(1500)).timeIntervalSince(start) == 1.5)
    }
}
