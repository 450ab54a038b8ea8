public import FangyiEvents
import Foundation

/// The tracing rules a city can change without a new build: the `tracing` section
/// of the policy file (`FANGYI_POLICY_FILE`). Every value has the default DOMAIN.md
/// gives; absent values keep it.
///
/// Concurrency: a value type; `Sendable`.
public struct TracingPolicy: Sendable, Equatable {
    /// Days before symptom onset (or the positive sample) the infectious window opens. Default 4.
    public var lookBackDays: Int
    /// How long check-ins are kept, in days. Default 28.
    public var retentionDays: Int
    /// Assumed stay per venue kind when a check-in has no check-out time.
    public var defaultStay: [VenueKind: Duration]
    /// The tier co-presence at a venue of this kind gives: `close` or `companion`.
    public var venueTier: [VenueKind: ContactTier]
    /// The tier each relation kind gives to the case's related persons.
    public var relationTier: [RelationKind: ContactTier]
    /// The longest stay believed from a check-out time; longer visits are cut to it. Default 24 h.
    public var maximumStay: Duration
    /// A check-in this far in the future of the worker's clock is rejected. Default 10 min.
    public var clockSkew: Duration
    /// The follow-up deadline is the end of the local day of identification, but at least this
    /// much later (事不过夜 without an impossible 23:59 deadline). Default 2 h.
    public var minimumFollowUp: Duration
    /// The city's offset from UTC, for "the same day". Default +08:00 (China).
    public var utcOffset: Duration
    /// Both targets at or above this Ct count as a release-quality negative. Default 35.
    public var releaseMinimumCt: Double
    /// The least time between the two release samples. Default 24 h.
    public var releaseSampleGap: Duration
    /// Cases linked through one setting within this many days form a cluster. Default 14.
    public var clusterWindowDays: Int
    /// Cases needed for a cluster. Default 2.
    public var clusterMinimumCases: Int
    /// A retest ordered for a pool member or an inconclusive result is due this much later. Default 12 h.
    public var retestDue: Duration

    /// The defaults (DOMAIN.md).
    public static let `default` = TracingPolicy(
        lookBackDays: 4, retentionDays: 28,
        defaultStay: [
            .residential: .hours(12), .workplace: .hours(8), .school: .hours(8), .healthcare: .hours(2),
            .retail: .minutes(45), .market: .hours(1), .restaurant: .minutes(90), .entertainment: .hours(3),
            .transport: .hours(1), .government: .hours(1), .religious: .hours(2), .other: .hours(1),
        ],
        venueTier: [
            .residential: .close, .workplace: .close, .school: .close, .healthcare: .close,
            .retail: .companion, .market: .companion, .restaurant: .close, .entertainment: .close,
            .transport: .close, .government: .companion, .religious: .close, .other: .close,
        ],
        relationTier: [.household: .close, .workplace: .close, .classmate: .close, .interviewDeclared: .close],
        maximumStay: .hours(24), clockSkew: .minutes(10), minimumFollowUp: .hours(2), utcOffset: .hours(8),
        releaseMinimumCt: 35, releaseSampleGap: .hours(24), clusterWindowDays: 14, clusterMinimumCases: 2,
        retestDue: .hours(12))

    /// Creates a policy from every value.
    public init(
        lookBackDays: Int, retentionDays: Int, defaultStay: [VenueKind: Duration], venueTier: [VenueKind: ContactTier],
        relationTier: [RelationKind: ContactTier], maximumStay: Duration, clockSkew: Duration, minimumFollowUp: Duration,
        utcOffset: Duration, releaseMinimumCt: Double, releaseSampleGap: Duration, clusterWindowDays: Int,
        clusterMinimumCases: Int, retestDue: Duration
    ) {
        self.lookBackDays = lookBackDays
        self.retentionDays = retentionDays
        self.defaultStay = defaultStay
        self.venueTier = venueTier
        self.relationTier = relationTier
        self.maximumStay = maximumStay
        self.clockSkew = clockSkew
        self.minimumFollowUp = minimumFollowUp
        self.utcOffset = utcOffset
        self.releaseMinimumCt = releaseMinimumCt
        self.releaseSampleGap = releaseSampleGap
        self.clusterWindowDays = clusterWindowDays
        self.clusterMinimumCases = clusterMinimumCases
        self.retestDue = retestDue
    }

    /// The assumed stay at a venue of `kind`.
    public func stay(at kind: VenueKind) -> Duration { defaultStay[kind] ?? .hours(1) }

    /// The tier co-presence at a venue of `kind` gives.
    public func tier(at kind: VenueKind) -> ContactTier { venueTier[kind] ?? .close }

    /// The tier a relation of `kind` gives.
    public func tier(for kind: RelationKind) -> ContactTier { relationTier[kind] ?? .close }

    /// The longest assumed stay of any venue kind, or ``maximumStay`` if longer: how far
    /// before a window a visit can start and still reach into it.
    public var longestStay: Duration { max(maximumStay, defaultStay.values.max() ?? .zero) }
}
