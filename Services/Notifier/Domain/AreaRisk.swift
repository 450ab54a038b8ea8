public import FangyiEvents
public import Foundation

/// What the risk rules look at for one area, counted over the sliding window.
/// Concurrency: a value type; `Sendable`.
public struct AreaFacts: Sendable, Equatable, Codable {
    /// The area.
    public var areaCode: String
    /// Confirmed and asymptomatic infections in the window found in the community, i.e. not
    /// among people already identified as contacts (社会面).
    public var communityInfections: Int
    /// Confirmed and asymptomatic infections in the window, wherever found.
    public var infections: Int
    /// Confirmed cases in the window (the 2020 rule's "new cases").
    public var confirmed: Int
    /// Confirmed cases ever (the 2020 rule's cumulative total).
    public var cumulativeConfirmed: Int
    /// Clusters detected in the window.
    public var clusters: Int

    /// Creates the facts; counts default to zero.
    public init(areaCode: String, communityInfections: Int = 0, infections: Int = 0, confirmed: Int = 0,
                cumulativeConfirmed: Int = 0, clusters: Int = 0) {
        self.areaCode = areaCode
        self.communityInfections = communityInfections
        self.infections = infections
        self.confirmed = confirmed
        self.cumulativeConfirmed = cumulativeConfirmed
        self.clusters = clusters
    }
}

/// An area's level and why, in both languages.
public struct RiskAssessment: Sendable, Equatable {
    /// The level.
    public var level: RiskLevel
    /// The reason, naming the counts and the rule.
    public var reason: LocalizedText
}

/// The sliding window in event time, counted in calendar days of the policy's time zone.
///
/// A case on day D counts through day D + `days` and no longer: an area whose last case was
/// on day D is low from the start of day D + `days` + 1, after `days` complete days without
/// one ("none for 14 consecutive days"). The window therefore starts at midnight `days`
/// days before today.
public enum RiskWindow {
    /// The first instant that counts when judging at `now`.
    public static func start(now: Date, policy: NotifierPolicy) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = policy.timeZone
        let today = calendar.startOfDay(for: now)
        return calendar.date(byAdding: .day, value: -policy.riskWindowDays, to: today) ?? today
    }

    /// The next midnight after `now`, when a level can change without any event.
    public static func nextDayBoundary(after now: Date, policy: NotifierPolicy) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = policy.timeZone
        let today = calendar.startOfDay(for: now)
        return calendar.date(byAdding: .day, value: 1, to: today) ?? now.addingTimeInterval(86_400)
    }
}

extension RiskRule {
    /// The level of an area with `facts`, and why.
    public func assess(_ facts: AreaFacts, policy: NotifierPolicy) -> RiskAssessment {
        let days = policy.riskWindowDays
        switch self {
        case .rule2022:
            let counts = LocalizedText(
                zh: "近\(days)天社会面感染者\(facts.communityInfections)例（全部感染者\(facts.infections)例），聚集性疫情\(facts.clusters)起",
                en: "\(facts.communityInfections) community infections (\(facts.infections) in all) and \(facts.clusters) clusters in \(days) days")
            if facts.communityInfections >= policy.highCommunityInfections || facts.clusters >= policy.highClusters {
                return RiskAssessment(level: .high, reason: LocalizedText(
                    zh: "\(counts.zh)；社会面感染者达\(policy.highCommunityInfections)例或聚集性疫情达\(policy.highClusters)起为高风险（2022年规则）",
                    en: "\(counts.en); \(policy.highCommunityInfections) community infections or \(policy.highClusters) clusters make an area high (2022 rule)"))
            }
            if facts.infections > 0 || facts.clusters > 0 {
                return RiskAssessment(level: .medium, reason: LocalizedText(
                    zh: "\(counts.zh)；有感染者但未达高风险标准为中风险（2022年规则）",
                    en: "\(counts.en); infections below the high mark make an area medium (2022 rule)"))
            }
            return RiskAssessment(level: .low, reason: LocalizedText(
                zh: "连续\(days)天无新增感染者（2022年规则）", en: "no infection for \(days) consecutive days (2022 rule)"))
        case .rule2020:
            let limit = policy.cumulativeCasesFor2020
            let counts = LocalizedText(
                zh: "近\(days)天新增确诊\(facts.confirmed)例，累计确诊\(facts.cumulativeConfirmed)例，近\(days)天聚集性疫情\(facts.clusters)起",
                en: "\(facts.confirmed) new confirmed cases in \(days) days, \(facts.cumulativeConfirmed) in all, \(facts.clusters) clusters in \(days) days")
            if facts.confirmed == 0 {
                return RiskAssessment(level: .low, reason: LocalizedText(
                    zh: "\(counts.zh)；\(days)天无新增确诊为低风险（2020年规则）",
                    en: "\(counts.en); no new case in \(days) days makes an area low (2020 rule)"))
            }
            if facts.cumulativeConfirmed > limit && facts.clusters > 0 {
                return RiskAssessment(level: .high, reason: LocalizedText(
                    zh: "\(counts.zh)；累计超过\(limit)例且有聚集性疫情为高风险（2020年规则）",
                    en: "\(counts.en); more than \(limit) in all and a cluster make an area high (2020 rule)"))
            }
            return RiskAssessment(level: .medium, reason: LocalizedText(
                zh: "\(counts.zh)；有新增确诊但未达高风险标准为中风险（2020年规则）",
                en: "\(counts.en); new cases below the high mark make an area medium (2020 rule)"))
        }
    }
}
