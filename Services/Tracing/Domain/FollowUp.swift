public import Foundation

/// The follow-up rule (事不过夜): a contact identified today is found and isolated today.
public enum FollowUp {
    /// The end of the local day of `identifiedAt` (the policy's UTC offset), but at least
    /// the policy's minimum follow-up time after it, so a contact found at 23:30 is not
    /// overdue at 23:59.
    public static func deadline(identifiedAt: Date, policy: TracingPolicy) -> Date {
        let offset = Double(policy.utcOffset.components.seconds)
        let local = identifiedAt.timeIntervalSince1970 + offset
        let endOfLocalDay = (local / 86_400).rounded(.down) * 86_400 + 86_400
        let endOfDay = Date(timeIntervalSince1970: endOfLocalDay - offset)
        return max(endOfDay, identifiedAt.adding(policy.minimumFollowUp))
    }

    /// The start and end of the local day containing `instant`, for "due today" lists.
    public static func localDay(containing instant: Date, policy: TracingPolicy) -> TimeSpan {
        let offset = Double(policy.utcOffset.components.seconds)
        let start = ((instant.timeIntervalSince1970 + offset) / 86_400).rounded(.down) * 86_400 - offset
        return TimeSpan(start: Date(timeIntervalSince1970: start), end: Date(timeIntervalSince1970: start + 86_400))
    }
}
