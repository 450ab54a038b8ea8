import FangyiEvents
public import Logging
import Metrics

/// What every part of the notifier shares: the rules, the texts, whether person messages
/// are sent, metrics and the logger.
/// Concurrency: `Sendable`; immutable.
public struct NotifierSettings: Sendable {
    /// The policy.
    public let policy: NotifierPolicy
    /// The alert texts.
    public let templates: AlertTemplates
    /// Whether person alerts are queued as messages for the gateway (a gateway is configured).
    public let personGateway: Bool
    /// The metrics.
    public let metrics: NotifierMetrics
    /// The logger.
    public let logger: Logger

    /// Creates the settings.
    public init(policy: NotifierPolicy, templates: AlertTemplates, personGateway: Bool, metrics: NotifierMetrics = NotifierMetrics(),
                logger: Logger) {
        self.policy = policy
        self.templates = templates
        self.personGateway = personGateway
        self.metrics = metrics
        self.logger = logger
    }
}

/// The notifier's counters (`fangyi_notifier_*`); labels carry kinds, audiences and outcomes,
/// never persons or areas' people.
/// Concurrency: `Sendable`; swift-metrics handles are thread-safe.
public struct NotifierMetrics: Sendable {
    /// Risk level changes.
    let riskChanges = Counter(label: "fangyi_notifier_risk_level_changes_total")
    /// Alerts held back for digests.
    let heldForDigest = Counter(label: "fangyi_notifier_alerts_held_for_digest_total")
    /// Alerts that could not be issued because no area was known for them.
    let unroutable = Counter(label: "fangyi_notifier_alerts_unroutable_total")

    /// Creates the handles.
    public init() {}

    /// Counts an issued alert by kind and audience.
    func issued(_ alert: Alert) {
        Counter(label: "fangyi_notifier_alerts_issued_total",
                dimensions: [("kind", alert.kind.rawValue), ("audience", alert.audience.rawValue)]).increment()
    }

    /// Counts a delivery attempt by channel and outcome.
    func attempted(channel: DeliveryChannel, outcome: DeliveryOutcome) {
        Counter(label: "fangyi_notifier_delivery_attempts_total",
                dimensions: [("channel", channel.rawValue), ("outcome", outcome.rawValue)]).increment()
    }
}
