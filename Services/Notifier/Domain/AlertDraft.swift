public import FangyiEvents
public import Foundation

/// An alert before its text: who it is for, what it refers to, and the values its template
/// fills in. ``AlertTemplates`` turns it into an ``Alert``.
/// Concurrency: a value type; `Sendable`.
public struct AlertDraft: Sendable, Equatable {
    /// What the alert is about.
    public var kind: AlertKind
    /// How urgent it is.
    public var severity: AlertSeverity
    /// The area it concerns (the record key on `alerts.v1`).
    public var areaCode: String
    /// Who it is for.
    public var audience: AlertAudience
    /// The new level, for risk level changes.
    public var riskLevel: RiskLevel?
    /// The person concerned; only for the person, grid and facility audiences.
    public var subjectRef: String?
    /// Ids of what it refers to (never personal data).
    public var refs: [String]
    /// When the audience must have acted.
    public var dueBy: Date?
    /// The template's values, in both languages.
    public var values: [String: LocalizedText]
    /// What makes the alert unique: the same parts give the same alert id on every replay.
    public var identity: [String]
    /// For digests: the kind summarised and how many.
    public var digestOf: AlertKind?
    /// For digests: how many alerts this one stands for.
    public var count: Int?

    /// Creates a draft.
    public init(kind: AlertKind, severity: AlertSeverity, areaCode: String, audience: AlertAudience, riskLevel: RiskLevel? = nil,
                subjectRef: String? = nil, refs: [String], dueBy: Date? = nil, values: [String: LocalizedText],
                identity: [String], digestOf: AlertKind? = nil, count: Int? = nil) {
        self.kind = kind
        self.severity = severity
        self.areaCode = areaCode
        self.audience = audience
        self.riskLevel = riskLevel
        // Personal references never reach the public or the health authority's broadcast.
        self.subjectRef = [.person, .grid, .facility].contains(audience) ? subjectRef : nil
        self.refs = refs
        self.dueBy = dueBy
        self.values = values
        self.identity = identity
        self.digestOf = digestOf
        self.count = count
    }

    /// The alert id: derived from the kind, audience and identity, so a replay gives the same id.
    public var alertId: String {
        EventID.string(EventID.derive(["notifier.alert", kind.rawValue, audience.rawValue] + identity))
    }

    /// The template key: `kind/audience`.
    public var templateKey: String { "\(kind.rawValue)/\(audience.rawValue)" }
}

extension LocalizedText {
    /// The same text in both languages (ids, numbers, codes).
    public static func plain(_ text: String) -> LocalizedText { LocalizedText(zh: text, en: text) }
}
