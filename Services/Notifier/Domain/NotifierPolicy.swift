public import FangyiEvents
public import Foundation

/// The notification rules a city can change without a new build: the `notifier` section of
/// the policy file (`FANGYI_POLICY_FILE`). Every value has the default DOMAIN.md gives.
///
/// Concurrency: a value type; `Sendable`.
public struct NotifierPolicy: Sendable, Equatable {
    /// Which risk-level rule applies. Default ``RiskRule/rule2022``.
    public var riskRule: RiskRule
    /// The sliding window of the risk rules, in days. Default 14.
    public var riskWindowDays: Int
    /// The time zone whose calendar days the window counts (day boundaries). Default Asia/Shanghai.
    public var timeZone: TimeZone
    /// 2022 rule: community infections in the window that make an area high. Default 10.
    public var highCommunityInfections: Int
    /// 2022 rule: clusters in the window that make an area high. Default 2.
    public var highClusters: Int
    /// 2020 rule: the cumulative confirmed total above which a cluster makes an area high. Default 50.
    public var cumulativeCasesFor2020: Int

    /// Alerts of one kind, area and audience issued one by one in a digest window before the
    /// rest are held back and summarised in one digest. Default 5.
    public var digestAfter: Int
    /// The digest window. Default 60 s.
    public var digestWindow: Duration
    /// The kinds that are summarised when they flood. Default: new contacts, assignment notices.
    public var digestKinds: Set<AlertKind>

    /// Waitlist positions at which a `waitlistGrowing` alert is raised (once a day per area
    /// and unit type). Default 10, 50, 100, 500, 1000, 5000.
    public var waitlistAlertPositions: [Int]

    /// How far ahead of the wall clock a case or cluster may be stamped (clocks differ a
    /// little); one stamped further ahead is refused, so a wrong clock cannot hold an area's
    /// level. Default 10 min.
    public var maxEventLead: Duration
    /// How long after a follow-up deadline a missing placement is reported, so that a placement
    /// still on its way (consumer lag) does not raise a false alarm. Default 5 min.
    public var followUpGrace: Duration

    /// Delivery attempts before a webhook delivery is dead-lettered (a person message is
    /// retried until its order's due time instead). Default 20: with the default delays,
    /// about one to two hours of trying.
    public var maxDeliveryAttempts: Int
    /// The first retry delay; each later one doubles, with jitter. Default 1 s.
    public var retryBaseDelay: Duration
    /// The longest retry delay. Default 10 min.
    public var retryMaxDelay: Duration
    /// Webhook deliveries per minute per subscriber unless its subscription says. Default 6000.
    public var defaultRatePerMinute: Int
    /// How long a webhook receiver has to answer. Default 10 s.
    public var webhookTimeout: Duration

    /// The defaults from DOMAIN.md.
    public static let `default` = NotifierPolicy(
        riskRule: .rule2022, riskWindowDays: 14, timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt,
        highCommunityInfections: 10, highClusters: 2, cumulativeCasesFor2020: 50,
        digestAfter: 5, digestWindow: .seconds(60), digestKinds: [.contactIdentified, .assignmentNotice],
        waitlistAlertPositions: [10, 50, 100, 500, 1000, 5000], maxEventLead: .seconds(600), followUpGrace: .seconds(300),
        maxDeliveryAttempts: 20, retryBaseDelay: .seconds(1), retryMaxDelay: .seconds(600),
        defaultRatePerMinute: 6000, webhookTimeout: .seconds(10))
}

/// The risk-level rule an area is judged by (DOMAIN.md, "Areas and risk levels").
public enum RiskRule: String, Sendable, CaseIterable {
    /// 2022: high with 10+ community infections or 2+ clusters in 14 days; medium with fewer
    /// or exactly one cluster; low after 14 consecutive days with none.
    case rule2022 = "2022"
    /// 2020 (Liuzhou): low with no new case in 14 days; medium with new cases and a cumulative
    /// total of 50 or fewer, or more than 50 and no cluster in 14 days; high with more than 50
    /// and a cluster in 14 days.
    case rule2020 = "2020"
}
