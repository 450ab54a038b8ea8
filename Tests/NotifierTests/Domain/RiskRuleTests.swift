import FangyiEvents
@testable import FangyiNotifier
import Foundation
import FangyiService
import Testing

@Suite("Area risk rules")
struct RiskRuleTests {
    let policy = NotifierPolicy.default

    @Test("2022: 9 community infections are medium, 10 are high")
    func communityInfectionsEdge() {
        #expect(RiskRule.rule2022.assess(AreaFacts(areaCode: "371502", communityInfections: 9, infections: 9), policy: policy).level == .medium)
        #expect(RiskRule.rule2022.assess(AreaFacts(areaCode: "371502", communityInfections: 10, infections: 10), policy: policy).level == .high)
    }

    @Test("2022: infections found among known contacts do not count toward high")
    func quarantineFoundDoNotCount() {
        let facts = AreaFacts(areaCode: "371502", communityInfections: 3, infections: 40)
        let assessment = RiskRule.rule2022.assess(facts, policy: policy)
        #expect(assessment.level == .medium)
        #expect(assessment.reason.en.contains("3 community infections (40 in all)"))
    }

    @Test("2022: one cluster is medium, two are high")
    func clustersEdge() {
        #expect(RiskRule.rule2022.assess(AreaFacts(areaCode: "371502", clusters: 1), policy: policy).level == .medium)
        #expect(RiskRule.rule2022.assess(AreaFacts(areaCode: "371502", clusters: 2), policy: policy).level == .high)
        #expect(RiskRule.rule2022.assess(AreaFacts(areaCode: "371502"), policy: policy).level == .low)
    }

    @Test("2020: new cases with at most 50 in all are medium; over 50 with a cluster high; over 50 without medium; none new low")
    func rule2020() {
        let rule = RiskRule.rule2020
        #expect(rule.assess(AreaFacts(areaCode: "450200", confirmed: 3, cumulativeConfirmed: 50, clusters: 1), policy: policy).level == .medium)
        #expect(rule.assess(AreaFacts(areaCode: "450200", confirmed: 3, cumulativeConfirmed: 51, clusters: 1), policy: policy).level == .high)
        #expect(rule.assess(AreaFacts(areaCode: "450200", confirmed: 3, cumulativeConfirmed: 51, clusters: 0), policy: policy).level == .medium)
        #expect(rule.assess(AreaFacts(areaCode: "450200", confirmed: 0, cumulativeConfirmed: 80, clusters: 2), policy: policy).level == .low)
        // Asymptomatic infections alone are not the 2020 rule's new cases.
        #expect(rule.assess(AreaFacts(areaCode: "450200", communityInfections: 4, infections: 4), policy: policy).level == .low)
    }

    @Test("the window: a case on day D counts through D+14 (day 14 without cases) and not on D+15")
    func windowEdge() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = policy.timeZone
        let caseTime = try #require(calendar.date(from: DateComponents(year: 2022, month: 3, day: 1, hour: 23, minute: 30)))
        let day14 = try #require(calendar.date(from: DateComponents(year: 2022, month: 3, day: 15, hour: 23, minute: 59)))
        let day15 = try #require(calendar.date(from: DateComponents(year: 2022, month: 3, day: 16, hour: 0, minute: 0)))
        #expect(caseTime >= RiskWindow.start(now: day14, policy: policy))
        #expect(caseTime < RiskWindow.start(now: day15, policy: policy))
        #expect(RiskWindow.nextDayBoundary(after: day14, policy: policy) == day15)
    }

    @Test("the policy file selects the 2020 rule and refuses unknown values, naming the key")
    func policyFile() throws {
        let policy = try NotifierPolicy.parse(Data(#"{"notifier": {"riskRule": "2020", "digestKinds": ["caseReported"]}}"#.utf8))
        #expect(policy.riskRule == .rule2020)
        #expect(policy.digestKinds == [.caseReported])
        #expect(throws: PolicySection.FileError.self) { try NotifierPolicy.parse(Data(#"{"notifier": {"riskRule": "2019"}}"#.utf8)) }
        do {
            _ = try NotifierPolicy.parse(Data(#"{"notifier": {"digestKinds": ["rumour"]}}"#.utf8))
            Issue.record("an unknown kind was accepted")
        } catch {
            #expect(error.message.contains("/notifier/digestKinds/0"))
        }
        do {
            _ = try NotifierPolicy.parse(Data(#"{"notifier": {"riskRules": "2020"}}"#.utf8))
            Issue.record("an unknown key was accepted")
        } catch {
            #expect(error.message.contains("riskRules"))
        }
    }
}
