@testable import FangyiTracing
import FangyiEvents
import Foundation
import Testing

@Suite("ContactFinding.strongest: one finding per person")
struct ContactFindingTests {
    let lunch = DomainFixture.span("2022-05-03T12:00:00+08:00", "2022-05-03T13:00:00+08:00")
    let dinner = DomainFixture.span("2022-05-03T18:00:00+08:00", "2022-05-03T19:30:00+08:00")

    @Test("the highest tier wins per person, even with an earlier exposure")
    func highestTier() {
        let close = DomainFixture.finding("p1", tier: .close, exposure: lunch)
        let companion = DomainFixture.finding("p1", tier: .companion, exposure: dinner, venueId: "v2")
        let secondary = DomainFixture.finding("p1", tier: .secondary, exposure: dinner, viaContactId: "k1", venueId: "v3")
        #expect(ContactFinding.strongest([companion, close, secondary]) == [close])
        #expect(ContactFinding.strongest([secondary, companion]) == [secondary])
    }

    @Test("at the same tier the later exposure end wins")
    func laterEnd() {
        let early = DomainFixture.finding("p1", tier: .close, exposure: lunch)
        let late = DomainFixture.finding("p1", tier: .close, exposure: dinner, venueId: "v2")
        #expect(ContactFinding.strongest([early, late]) == [late])
        #expect(ContactFinding.strongest([late, early]) == [late])
    }

    @Test("at the same tier and end the earlier start wins")
    func earlierStart() {
        let long = DomainFixture.finding("p1", tier: .close, exposure: DomainFixture.span("2022-05-03T11:00:00+08:00", "2022-05-03T13:00:00+08:00"))
        let short = DomainFixture.finding("p1", tier: .close, exposure: lunch, venueId: "v2")
        #expect(ContactFinding.strongest([short, long]) == [long])
        #expect(ContactFinding.strongest([long, short]) == [long])
    }

    @Test("one finding is kept per person and the output is sorted by subject ref")
    func sorted() {
        let findings = [
            DomainFixture.finding("p3", tier: .companion, exposure: lunch),
            DomainFixture.finding("p1", tier: .close, exposure: lunch),
            DomainFixture.finding("p2", tier: .close, exposure: dinner),
            DomainFixture.finding("p1", tier: .companion, exposure: dinner),
        ]
        let best = ContactFinding.strongest(findings)
        #expect(best.map(\.subjectRef) == ["p1", "p2", "p3"])
        #expect(best.first?.tier == .close)
    }

    @Test("no findings give no contacts")
    func empty() {
        #expect(ContactFinding.strongest([]).isEmpty)
    }

    @Test("the result does not depend on input order when findings tie on tier and exposure")
    func deterministicTies() {
        let viaCase2 = DomainFixture.finding("p1", tier: .close, exposure: lunch, sourceCaseId: "c2")
        let viaVenue2 = DomainFixture.finding("p1", tier: .close, exposure: lunch, venueId: "v2")
        let household = DomainFixture.finding("p1", tier: .close, exposure: lunch, via: .household, venueId: nil)
        let venue = DomainFixture.finding("p1", tier: .close, exposure: lunch)
        let all = [viaCase2, viaVenue2, household, venue]
        let expected = ContactFinding.strongest(all)
        #expect(expected.count == 1)
        for order in permutations(all) {
            #expect(ContactFinding.strongest(order) == expected)
        }
    }

    @Test("secondary findings through different close contacts pick the same one in any order")
    func deterministicViaContact() {
        // A person at one restaurant with two close contacts of the same case: same tier,
        // same venue, same shared time, different contact they came through.
        let viaA = DomainFixture.finding("p9", tier: .secondary, exposure: dinner, viaContactId: "contact-a")
        let viaB = DomainFixture.finding("p9", tier: .secondary, exposure: dinner, viaContactId: "contact-b")
        #expect(ContactFinding.strongest([viaA, viaB]) == ContactFinding.strongest([viaB, viaA]))
        #expect(viaA.isStronger(than: viaB) != viaB.isStronger(than: viaA))
    }

    @Test("isStronger is irreflexive")
    func irreflexive() {
        let finding = DomainFixture.finding("p1", tier: .close, exposure: lunch)
        #expect(!finding.isStronger(than: finding))
    }

    private func permutations(_ items: [ContactFinding]) -> [[ContactFinding]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index in
            var rest = items
            let head = rest.remove(at: index)
            return permutations(rest).map { [head] + $0 }
        }
    }
}
