@testable import FangyiTracing
import FangyiEvents
import Foundation
import Testing

@Suite("Contact tiers: which setting gives which tier")
struct ContactTierTests {
    let policy = TracingPolicy.default

    @Test("supermarket-like venues give companions, others close contacts", arguments: [
        (VenueKind.retail, ContactTier.companion), (.market, .companion), (.government, .companion),
        (.restaurant, .close), (.entertainment, .close), (.school, .close), (.residential, .close),
        (.workplace, .close), (.healthcare, .close), (.transport, .close), (.religious, .close), (.other, .close),
    ])
    func venueTier(kind: VenueKind, tier: ContactTier) {
        #expect(policy.tier(at: kind) == tier)
    }

    @Test("every relation kind gives a close contact by default", arguments: RelationKind.allCases)
    func relationTier(kind: RelationKind) {
        #expect(policy.tier(for: kind) == .close)
    }

    @Test("a kind missing from the policy counts as close")
    func missingKinds() {
        var sparse = policy
        sparse.venueTier[.retail] = nil
        sparse.relationTier[.interviewDeclared] = nil
        #expect(sparse.tier(at: .retail) == .close)
        #expect(sparse.tier(for: .interviewDeclared) == .close)
    }

    @Test("the policy's relation tiers are used")
    func relationOverride() {
        var policy = policy
        policy.relationTier[.workplace] = .companion
        #expect(policy.tier(for: .workplace) == .companion)
        #expect(policy.tier(for: .household) == .close)
    }

    @Test("rank orders companion below secondary below close")
    func rank() {
        #expect(ContactTier.companion.rank < ContactTier.secondary.rank)
        #expect(ContactTier.secondary.rank < ContactTier.close.rank)
        #expect(Set(ContactTier.allCases.map(\.rank)).count == ContactTier.allCases.count)
    }
}

@Suite("ContactDecision: create, upgrade, keep or skip")
struct ContactDecisionTests {
    let exposure = DomainFixture.span("2022-05-03T12:00:00+08:00", "2022-05-03T13:00:00+08:00")

    func decide(_ tier: ContactTier, existing: ContactTier?, isCase: Bool = false, isSource: Bool = false) -> ContactDecision {
        ContactDecision.decide(DomainFixture.finding("p1", tier: tier, exposure: exposure),
                               existingTier: existing, isCase: isCase, isSource: isSource)
    }

    @Test("a person not traced yet becomes a new contact at any tier", arguments: ContactTier.allCases)
    func create(tier: ContactTier) {
        #expect(decide(tier, existing: nil) == .create)
    }

    @Test("a close finding upgrades a secondary or companion contact")
    func upgradeToClose() {
        #expect(decide(.close, existing: .secondary) == .upgrade(from: .secondary))
        #expect(decide(.close, existing: .companion) == .upgrade(from: .companion))
    }

    @Test("a secondary finding upgrades a companion")
    func upgradeToSecondary() {
        #expect(decide(.secondary, existing: .companion) == .upgrade(from: .companion))
    }

    @Test("a finding at the same tier keeps the contact", arguments: ContactTier.allCases)
    func keepSame(tier: ContactTier) {
        #expect(decide(tier, existing: tier) == .keep)
    }

    @Test("a finding at a lower tier never moves a contact down")
    func keepLower() {
        #expect(decide(.secondary, existing: .close) == .keep)
        #expect(decide(.companion, existing: .close) == .keep)
        #expect(decide(.companion, existing: .secondary) == .keep)
    }

    @Test("a later exposure at the same tier extends the contact; an earlier or equal one, or a lower tier, does not")
    func extend() {
        let finding = DomainFixture.finding("p1", tier: .close, exposure: exposure)
        let before = exposure.end.addingTimeInterval(-60)
        #expect(ContactDecision.decide(finding, existingTier: .close, existingLastExposure: before, isCase: false, isSource: false) == .extend)
        #expect(ContactDecision.decide(finding, existingTier: .close, existingLastExposure: exposure.end, isCase: false, isSource: false) == .keep)
        #expect(ContactDecision.decide(finding, existingTier: .close, existingLastExposure: exposure.end.addingTimeInterval(60),
                                       isCase: false, isSource: false) == .keep)
        let companion = DomainFixture.finding("p1", tier: .companion, exposure: exposure)
        #expect(ContactDecision.decide(companion, existingTier: .close, existingLastExposure: before, isCase: false, isSource: false) == .keep)
        #expect(ContactDecision.decide(finding, existingTier: .close, existingLastExposure: before, isCase: true, isSource: false) == .skip)
    }

    @Test("a case is skipped, whatever is known of them")
    func skipCase() {
        #expect(decide(.close, existing: nil, isCase: true) == .skip)
        #expect(decide(.close, existing: .companion, isCase: true) == .skip)
    }

    @Test("the source person is skipped")
    func skipSource() {
        #expect(decide(.close, existing: nil, isSource: true) == .skip)
        #expect(decide(.close, existing: .secondary, isSource: true) == .skip)
    }
}
