@testable import FangyiTracing
import FangyiEvents
import Foundation
import Testing

@Suite("InfectiousWindow: when a case could infect others")
struct WindowTests {
    let policy = TracingPolicy.default
    let sample = DomainFixture.at("2022-05-10T09:00:00+08:00")
    let reported = DomainFixture.at("2022-05-11T02:00:00+08:00")

    @Test("an asymptomatic case's window opens four days before the sample and closes at isolation")
    func asymptomatic() {
        let window = InfectiousWindow.of(sampleCollectedAt: sample, symptomOnset: nil, isolatedAt: reported, policy: policy)
        #expect(window.start == DomainFixture.at("2022-05-06T09:00:00+08:00"))
        #expect(window.end == reported)
    }

    @Test("a symptomatic case with onset before the sample is anchored at onset")
    func onsetBeforeSample() {
        let onset = DomainFixture.at("2022-05-08T20:00:00+08:00")
        let window = InfectiousWindow.of(sampleCollectedAt: sample, symptomOnset: onset, isolatedAt: reported, policy: policy)
        #expect(window.start == DomainFixture.at("2022-05-04T20:00:00+08:00"))
        #expect(window.end == reported)
    }

    @Test("onset after the sample leaves the sample as the anchor (the earlier of the two)")
    func onsetAfterSample() {
        let onset = DomainFixture.at("2022-05-10T21:00:00+08:00")
        let window = InfectiousWindow.of(sampleCollectedAt: sample, symptomOnset: onset, isolatedAt: reported, policy: policy)
        #expect(window.start == DomainFixture.at("2022-05-06T09:00:00+08:00"))
    }

    @Test("the policy's lookBackDays moves the start")
    func lookBack() {
        var policy = policy
        policy.lookBackDays = 7
        let window = InfectiousWindow.of(sampleCollectedAt: sample, symptomOnset: nil, isolatedAt: reported, policy: policy)
        #expect(window.start == DomainFixture.at("2022-05-03T09:00:00+08:00"))
        policy.lookBackDays = 0
        #expect(InfectiousWindow.of(sampleCollectedAt: sample, symptomOnset: nil, isolatedAt: reported, policy: policy).start == sample)
    }

    @Test("an isolation before the window's start gives an empty window, not a backwards one")
    func isolationBeforeStart() {
        let isolated = DomainFixture.at("2022-05-01T00:00:00+08:00")
        let window = InfectiousWindow.of(sampleCollectedAt: sample, symptomOnset: nil, isolatedAt: isolated, policy: policy)
        #expect(window.isEmpty)
        #expect(window.start == DomainFixture.at("2022-05-06T09:00:00+08:00"))
    }

    @Test("isolation is the report when nothing came earlier")
    func isolationReport() {
        #expect(InfectiousWindow.isolation(reportedAt: reported, admittedAt: nil, quarantinedAt: nil) == reported)
    }

    @Test("isolation is the earliest of report, admission and quarantine")
    func isolationEarliest() {
        let admitted = DomainFixture.at("2022-05-10T18:00:00+08:00")
        let quarantined = DomainFixture.at("2022-05-09T08:00:00+08:00")
        #expect(InfectiousWindow.isolation(reportedAt: reported, admittedAt: admitted, quarantinedAt: nil) == admitted)
        #expect(InfectiousWindow.isolation(reportedAt: reported, admittedAt: admitted, quarantinedAt: quarantined) == quarantined)
        #expect(InfectiousWindow.isolation(reportedAt: reported, admittedAt: nil, quarantinedAt: quarantined) == quarantined)
    }

    @Test("an admission or quarantine after the report does not move isolation later")
    func isolationLaterIgnored() {
        let later = DomainFixture.at("2022-05-12T08:00:00+08:00")
        #expect(InfectiousWindow.isolation(reportedAt: reported, admittedAt: later, quarantinedAt: later) == reported)
    }

    @Test("an onset up to 14 days before the sample belongs to the infection; an older one is another illness")
    func episodeOnset() {
        let sample = DomainFixture.at("2022-05-20T09:00:00+08:00")
        let fortnight = sample.addingTimeInterval(-14 * 86_400)
        #expect(InfectiousWindow.episodeOnset(fortnight, sampleCollectedAt: sample) == fortnight)
        #expect(InfectiousWindow.episodeOnset(fortnight.addingTimeInterval(-1), sampleCollectedAt: sample) == nil)
        #expect(InfectiousWindow.episodeOnset(sample.addingTimeInterval(3600), sampleCollectedAt: sample) != nil, "onset after the sample")
        #expect(InfectiousWindow.episodeOnset(nil, sampleCollectedAt: sample) == nil)
    }
}
