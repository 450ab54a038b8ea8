import FangyiEvents
public import Foundation

/// Who is served first when units are short: higher severity, then the old and the young
/// (一老一少), then who has waited longest. The subject ref breaks remaining ties so every
/// instance orders the same way.
///
/// Concurrency: a value type; `Sendable`.
public struct Priority: Sendable, Hashable, Comparable {
    /// Higher is more urgent: critical 5, severe 4, moderate 3, mild 2, asymptomatic or
    /// unassessed 1; care for a quarantined person 3; quarantine 0.
    public var severityRank: Int
    /// Aged at or over the policy's elder age, or under its child age.
    public var vulnerable: Bool
    /// Since when the person has needed the unit.
    public var since: Date
    /// The person (tie-break).
    public var subjectRef: String

    /// Creates a priority.
    public init(severityRank: Int, vulnerable: Bool, since: Date, subjectRef: String) {
        self.severityRank = severityRank
        self.vulnerable = vulnerable
        self.since = since
        self.subjectRef = subjectRef
    }

    /// `lhs` is served before `rhs`.
    public static func < (lhs: Priority, rhs: Priority) -> Bool {
        if lhs.severityRank != rhs.severityRank { return lhs.severityRank > rhs.severityRank }
        if lhs.vulnerable != rhs.vulnerable { return lhs.vulnerable }
        if lhs.since != rhs.since { return lhs.since < rhs.since }
        return lhs.subjectRef < rhs.subjectRef
    }
}

extension AllocationPolicy {
    /// The priority of `person` for `need`, needed since `since`.
    public func priority(of person: PersonState, for need: Need, since: Date) -> Priority {
        let rank: Int = switch need.purpose {
        case .quarantine: 0
        case .care: 3
        case .treatment:
            switch person.severity ?? .unassessed {
            case .critical: 5
            case .severe: 4
            case .moderate: 3
            case .mild: 2
            case .asymptomatic, .unassessed: 1
            }
        }
        let vulnerable = person.ageYears.map { $0 >= priorityElderFromAge || $0 < priorityChildUnderAge } ?? false
        return Priority(severityRank: rank, vulnerable: vulnerable, since: since, subjectRef: person.subjectRef)
    }
}
