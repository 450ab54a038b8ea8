public import FangyiService
import Foundation
import FangyiEvents

extension NotifierPolicy: PolicyFileSection {
    public static let sectionName = "notifier"

    /// The keys of the `notifier` section.
    public static let sectionKeys: Set<String> = [
        "riskRule", "riskWindowDays", "timeZone", "highCommunityInfections", "highClusters", "cumulativeCasesFor2020",
        "digestAfter", "digestWindowSeconds", "digestKinds", "waitlistAlertPositions", "maxEventLeadMinutes", "followUpGraceMinutes",
        "maxDeliveryAttempts",
        "retryBaseDelaySeconds", "retryMaxDelaySeconds", "defaultRatePerMinute", "webhookTimeoutSeconds",
    ]

    public static func applying(_ section: PolicySection?) throws(PolicySection.FileError) -> NotifierPolicy {
        var policy = NotifierPolicy.default
        guard let section else { return policy }
        func seconds(_ value: Double) -> Duration { .milliseconds(Int64((value * 1000).rounded())) }
        policy.riskRule = try section.value("riskRule", expected: "\"2022\" or \"2020\"", RiskRule.init(rawValue:)) ?? policy.riskRule
        policy.riskWindowDays = try section.integer("riskWindowDays", in: 1...60) ?? policy.riskWindowDays
        policy.timeZone = try section.value("timeZone", expected: "a time zone identifier such as Asia/Shanghai", TimeZone.init(identifier:))
            ?? policy.timeZone
        policy.highCommunityInfections = try section.integer("highCommunityInfections", in: 1...100_000) ?? policy.highCommunityInfections
        policy.highClusters = try section.integer("highClusters", in: 1...1000) ?? policy.highClusters
        policy.cumulativeCasesFor2020 = try section.integer("cumulativeCasesFor2020", in: 0...1_000_000) ?? policy.cumulativeCasesFor2020
        policy.digestAfter = try section.integer("digestAfter", in: 0...100_000) ?? policy.digestAfter
        if let value = try section.number("digestWindowSeconds", in: 1...3600) { policy.digestWindow = seconds(value) }
        if let kinds = try section.list("digestKinds", expected: "an alert kind", AlertKind.init(rawValue:)) {
            policy.digestKinds = Set(kinds)
        }
        if let positions = try section.integers("waitlistAlertPositions", in: 1...10_000_000) {
            policy.waitlistAlertPositions = Array(Set(positions)).sorted()
        }
        if let value = try section.number("maxEventLeadMinutes", in: 0...1440) { policy.maxEventLead = seconds(value * 60) }
        if let value = try section.number("followUpGraceMinutes", in: 0...1440) { policy.followUpGrace = seconds(value * 60) }
        policy.maxDeliveryAttempts = try section.integer("maxDeliveryAttempts", in: 1...100) ?? policy.maxDeliveryAttempts
        if let value = try section.number("retryBaseDelaySeconds", in: 0.001...3600) { policy.retryBaseDelay = seconds(value) }
        if let value = try section.number("retryMaxDelaySeconds", in: 0.001...86_400) { policy.retryMaxDelay = seconds(value) }
        policy.defaultRatePerMinute = try section.integer("defaultRatePerMinute", in: 1...1_000_000) ?? policy.defaultRatePerMinute
        if let value = try section.number("webhookTimeoutSeconds", in: 0.1...120) { policy.webhookTimeout = seconds(value) }
        return policy
    }
}
