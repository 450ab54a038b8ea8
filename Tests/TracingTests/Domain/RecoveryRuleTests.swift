@testable import FangyiTracing
import FangyiEvents
import Foundation
import Testing

@Suite("RecoveryRule.qualifies: a release-quality negative")
struct RecoveryQualifiesTests {
    @Test("every target at or above Ct 35 qualifies, including exactly 35")
    func allHigh() {
        #expect(RecoveryRule.qualifies(cts: [35, 35], minimumCt: 35))
        #expect(RecoveryRule.qualifies(cts: [36.2, 40], minimumCt: 35))
    }

    @Test("targets that did not amplify (no Ct) qualify")
    func noAmplification() {
        #expect(RecoveryRule.qualifies(cts: [nil, nil], minimumCt: 35))
        #expect(RecoveryRule.qualifies(cts: [nil, 37], minimumCt: 35))
    }

    @Test("one target below the threshold fails the sample")
    func oneLow() {
        #expect(!RecoveryRule.qualifies(cts: [34.9, 38], minimumCt: 35))
        #expect(!RecoveryRule.qualifies(cts: [nil, 34.9], minimumCt: 35))
    }

    @Test("a result without targets does not qualify")
    func noTargets() {
        #expect(!RecoveryRule.qualifies(cts: [], minimumCt: 35))
    }

    @Test("the threshold comes from the caller")
    func threshold() {
        #expect(RecoveryRule.qualifies(cts: [34.9], minimumCt: 30))
        #expect(!RecoveryRule.qualifies(cts: [35], minimumCt: 40))
    }
}

@Suite("RecoveryRule.release: two consecutive negatives 24 h apart")
struct RecoveryReleaseTests {
    let gap = DomainFixture.hours(24)
    let first = DomainFixture.at("2022-05-20T08:00:00+08:00")

    func sample(_ id: String, after offset: Duration, qualifies: Bool = true) -> RecoveryRule.Sample {
        RecoveryRule.Sample(resultId: id, collectedAt: first.adding(offset), qualifies: qualifies)
    }

    @Test("two qualifying samples 24 h apart release the case with their ids")
    func exactlyDayApart() {
        let samples = [sample("r1", after: .zero), sample("r2", after: gap)]
        #expect(RecoveryRule.release(samples, minimumGap: gap) == ["r1", "r2"])
    }

    @Test("two qualifying samples 23 h 59 min apart do not")
    func justShort() {
        let samples = [sample("r1", after: .zero), sample("r2", after: .seconds(23 * 3600 + 59 * 60))]
        #expect(RecoveryRule.release(samples, minimumGap: gap) == nil)
    }

    @Test("one second short of 24 h does not release")
    func oneSecondShort() {
        let samples = [sample("r1", after: .zero), sample("r2", after: .seconds(86_399))]
        #expect(RecoveryRule.release(samples, minimumGap: gap) == nil)
    }

    @Test("a non-qualifying sample between two qualifying ones breaks the run")
    func brokenRun() {
        let samples = [sample("r1", after: .zero), sample("r2", after: DomainFixture.hours(12), qualifies: false),
                       sample("r3", after: DomainFixture.hours(30))]
        #expect(RecoveryRule.release(samples, minimumGap: gap) == nil)
    }

    @Test("after a broken run, two later qualifying samples still release")
    func runRestarts() {
        let samples = [sample("r1", after: .zero), sample("r2", after: DomainFixture.hours(12), qualifies: false),
                       sample("r3", after: DomainFixture.hours(30)), sample("r4", after: DomainFixture.hours(54))]
        #expect(RecoveryRule.release(samples, minimumGap: gap) == ["r3", "r4"])
    }

    @Test("a third qualifying sample 24 h after the first completes the pair with the first")
    func thirdCompletes() {
        let samples = [sample("r1", after: .zero), sample("r2", after: DomainFixture.hours(12)), sample("r3", after: gap)]
        #expect(RecoveryRule.release(samples, minimumGap: gap) == ["r1", "r3"])
    }

    @Test("samples are taken in collection order, whatever order they arrive in")
    func unordered() {
        let samples = [sample("r3", after: gap), sample("r1", after: .zero), sample("r2", after: DomainFixture.hours(12))]
        #expect(RecoveryRule.release(samples, minimumGap: gap) == ["r1", "r3"])
        let broken = [sample("r3", after: DomainFixture.hours(30)), sample("r1", after: .zero),
                      sample("r2", after: DomainFixture.hours(12), qualifies: false)]
        #expect(RecoveryRule.release(broken, minimumGap: gap) == nil)
    }

    @Test("a single sample, no samples, or only failing samples do not release")
    func tooFew() {
        #expect(RecoveryRule.release([], minimumGap: gap) == nil)
        #expect(RecoveryRule.release([sample("r1", after: .zero)], minimumGap: gap) == nil)
        let failing = [sample("r1", after: .zero, qualifies: false), sample("r2", after: gap, qualifies: false)]
        #expect(RecoveryRule.release(failing, minimumGap: gap) == nil)
    }

    @Test("a failing sample first does not stop a later qualifying pair")
    func failingFirst() {
        let samples = [sample("r0", after: .seconds(-3600), qualifies: false), sample("r1", after: .zero), sample("r2", after: gap)]
        #expect(RecoveryRule.release(samples, minimumGap: gap) == ["r1", "r2"])
    }

    @Test("the minimum gap comes from the policy")
    func policyGap() {
        let samples = [sample("r1", after: .zero), sample("r2", after: DomainFixture.hours(12))]
        #expect(RecoveryRule.release(samples, minimumGap: DomainFixture.hours(12)) == ["r1", "r2"])
        #expect(RecoveryRule.release(samples, minimumGap: DomainFixture.hours(13)) == nil)
    }
}
