public import FangyiEvents
import Foundation

/// Which alerts a subscriber or a stream wants: kinds (empty: all), area code prefixes
/// (`3715` takes every area of the city; empty: all), a minimum severity, and audiences.
/// Person alerts are only ever sent to the person, never to subscribers or streams.
/// Concurrency: a value type; `Sendable`.
public struct AlertFilter: Codable, Sendable, Equatable {
    /// The kinds wanted; empty: every kind.
    public var kinds: [AlertKind]
    /// Area code prefixes; empty: every area.
    public var areas: [String]
    /// The least severity wanted.
    public var minSeverity: AlertSeverity
    /// The audiences wanted (not `person`).
    public var audiences: [AlertAudience]

    /// Creates a filter; by default every public alert.
    public init(kinds: [AlertKind] = [], areas: [String] = [], minSeverity: AlertSeverity = .info, audiences: [AlertAudience] = [.public]) {
        self.kinds = kinds
        self.areas = areas
        self.minSeverity = minSeverity
        self.audiences = audiences
    }

    /// What is wrong with the filter, as (JSON pointer field, reason), or nil.
    public func problem() -> (String, String)? {
        if audiences.isEmpty { return ("audiences", "must name at least one audience") }
        if audiences.contains(.person) { return ("audiences", "cannot include person: orders go only to the person, through the message gateway") }
        if let bad = areas.first(where: { !(1...12).contains($0.count) || !$0.allSatisfy(\.isASCIIDigitCharacter) }) {
            return ("areas", "\"\(bad)\" is not an area code prefix (1-12 digits)")
        }
        if areas.count > 1000 { return ("areas", "has more than 1000 entries") }
        return nil
    }

    /// Whether `alert` passes (the same test the database applies when fanning out).
    public func matches(_ alert: Alert) -> Bool {
        (kinds.isEmpty || kinds.contains(alert.kind))
            && (areas.isEmpty || areas.contains { alert.areaCode.hasPrefix($0) })
            && alert.severity.rank >= minSeverity.rank
            && audiences.contains(alert.audience)
    }

    /// Whether the filter lets through anything beyond public alerts (needs an operator token).
    public var needsAuthorization: Bool { audiences.contains { $0 != .public } }
}

extension AlertSeverity {
    /// 0 for info, 1 for warning, 2 for critical.
    public var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .critical: 2
        }
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}
