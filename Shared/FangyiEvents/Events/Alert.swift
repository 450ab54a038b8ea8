public import Foundation

/// An alert issued by the notifier to one audience. Public alerts never carry personal data.
///
/// Published on `alerts.v1` as `fangyi.alert.issued.v1`, keyed by the area code.
/// Schema: `Schemas/alert.issued.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct Alert: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.alert.issued.v1"

    /// The topic this event is published on: `alerts.v1`.
    public static var topic: Topic { TopicCatalog.alerts }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/alert.issued.v1.json`.
    public static let schemaName = "alert.issued.v1"

    /// The alert id.
    public var alertId: String

    /// What the alert is about.
    public var kind: AlertKind

    /// How urgent it is.
    public var severity: AlertSeverity

    /// The area the alert concerns.
    public var areaCode: String

    /// Who the alert is for.
    public var audience: AlertAudience

    /// The new risk level, for risk level changes.
    public var riskLevel: RiskLevel?

    /// The person concerned, for person, grid and facility audiences; never for the public.
    public var subjectRef: String?

    /// The title, in Chinese and English.
    public var title: LocalizedText

    /// The body, in Chinese and English.
    public var body: LocalizedText

    /// Ids of the cases, clusters or events the alert refers to (never personal data).
    public var refs: [String]

    /// When the audience must have acted, for orders and grid tasks.
    public var dueBy: Date?

    /// When the alert was issued.
    public var issuedAt: Date

    /// For digests: the kind of the alerts summarised.
    public var digestOf: AlertKind?

    /// For digests: how many alerts this one stands for.
    public var count: Int?

    /// The Kafka record key: the area code.
    public var partitionKey: String { areaCode }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        alertId: String,
        kind: AlertKind,
        severity: AlertSeverity,
        areaCode: String,
        audience: AlertAudience,
        riskLevel: RiskLevel? = nil,
        subjectRef: String? = nil,
        title: LocalizedText,
        body: LocalizedText,
        refs: [String],
        dueBy: Date? = nil,
        issuedAt: Date,
        digestOf: AlertKind? = nil,
        count: Int? = nil
    ) {
        self.alertId = alertId
        self.kind = kind
        self.severity = severity
        self.areaCode = areaCode
        self.audience = audience
        self.riskLevel = riskLevel
        self.subjectRef = subjectRef
        self.title = title
        self.body = body
        self.refs = refs
        self.dueBy = dueBy
        self.issuedAt = issuedAt
        self.digestOf = digestOf
        self.count = count
    }
}
