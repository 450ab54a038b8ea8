public import Foundation

/// When a case could infect others, which bounds whom tracing looks for.
///
/// It opens `lookBackDays` before the earlier of symptom onset and the positive
/// sample (DOMAIN.md: before onset for symptomatic persons, before the sample for
/// asymptomatic ones; taking the earlier of the two never misses a presymptomatic
/// exposure), and closes when the person was isolated.
public enum InfectiousWindow {
    /// The window of a case.
    ///
    /// - Parameters:
    ///   - sampleCollectedAt: When the positive sample was taken.
    ///   - symptomOnset: When symptoms began, if the person has had any.
    ///   - isolatedAt: When the person was isolated (the positive report, an earlier
    ///     admission, or an earlier quarantine as a traced contact).
    public static func of(sampleCollectedAt: Date, symptomOnset: Date?, isolatedAt: Date, policy: TracingPolicy) -> TimeSpan {
        let anchor = symptomOnset.map { min($0, sampleCollectedAt) } ?? sampleCollectedAt
        let start = anchor.adding(.seconds(-86_400 * policy.lookBackDays))
        return TimeSpan(start: start, end: max(isolatedAt, start))
    }

    /// How far before the positive sample a reported symptom onset still belongs to this
    /// infection: 14 days, the longest incubation period DOMAIN.md's protocols assume. An
    /// older onset is from an earlier illness and neither classifies the case as
    /// symptomatic nor widens its window.
    public static let episodeLookBack: Duration = .seconds(14 * 86_400)

    /// The onset that belongs to an infection whose positive sample was taken at
    /// `sampleCollectedAt`, or `nil` when `onset` is older than ``episodeLookBack``.
    public static func episodeOnset(_ onset: Date?, sampleCollectedAt: Date) -> Date? {
        onset.flatMap { $0 >= sampleCollectedAt.adding(.zero - episodeLookBack) ? $0 : nil }
    }

    /// When a person counts as isolated: the earliest of the positive report, an admission
    /// to a facility, and the start of quarantine as a traced contact.
    public static func isolation(reportedAt: Date, admittedAt: Date?, quarantinedAt: Date?) -> Date {
        [reportedAt, admittedAt, quarantinedAt].compactMap { $0 }.min() ?? reportedAt
    }
}
