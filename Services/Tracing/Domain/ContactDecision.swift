public import FangyiEvents
public import Foundation

/// What to do with a finding, given what is already known about the person.
public enum ContactDecision: Sendable, Equatable {
    /// The person is not traced yet: a new contact.
    case create
    /// The person is traced at a lower tier: move them up (same contact, new tier).
    case upgrade(from: ContactTier)
    /// The person is traced at this tier, but this exposure ended later: same contact and
    /// tier, a later last exposure (quarantine counts from it), published again.
    case extend
    /// The person is traced at this tier or higher already, no later: nothing new to publish.
    case keep
    /// The person is a case, or is the source itself: not a contact.
    case skip

    /// Decides for one finding.
    ///
    /// - Parameters:
    ///   - existingTier: The tier of the person's active contact record, if any.
    ///   - existingLastExposure: That record's last exposure, if any.
    ///   - isCase: Whether the person has an open case.
    ///   - isSource: Whether the person is the source case's own person or the close
    ///     contact the finding came through.
    public static func decide(_ finding: ContactFinding, existingTier: ContactTier?, existingLastExposure: Date? = nil,
                              isCase: Bool, isSource: Bool) -> ContactDecision {
        if isCase || isSource { return .skip }
        guard let existingTier else { return .create }
        if finding.tier.rank > existingTier.rank { return .upgrade(from: existingTier) }
        if finding.tier == existingTier, let last = existingLastExposure, finding.exposure.end > last { return .extend }
        return .keep
    }
}
