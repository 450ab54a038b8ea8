import Foundation

/// The allocation rules a city can change without a new build: the `allocator` section of
/// the policy file (`FANGYI_POLICY_FILE`). Every value has the default DOMAIN.md gives;
/// absent values keep it. Every decision records ``version``.
///
/// Concurrency: a value type; `Sendable`.
public struct AllocationPolicy: Sendable, Equatable {
    /// Names this set of rules in every decision (`allocator-default-1` unless the file says).
    public var version: String
    /// Days of centralized quarantine after the last exposure. Default 7 (9th edition).
    public var quarantineDays: Int
    /// Days of home health monitoring after centralized quarantine. Default 3.
    public var homeMonitoringDays: Int
    /// Whether secondary contacts are quarantined centrally (a room) instead of at home. Default false.
    public var centralizeSecondaryContacts: Bool
    /// A child younger than this may have a carer: a family room. Default 6.
    public var carerChildUnderAge: Int
    /// An elder this old or older is treated as dependent and may have a carer: a family room. Default 80.
    public var carerElderFromAge: Int
    /// Whether carers are allowed at all (family rooms). Default true.
    public var allowCarers: Bool
    /// Waitlist priority (一老一少): a person this old or older comes first among equal severity. Default 60.
    public var priorityElderFromAge: Int
    /// Waitlist priority: a child younger than this comes first among equal severity. Default 6.
    public var priorityChildUnderAge: Int
    /// Occupancy percentages that raise `CapacityThresholdCrossed`. Default 80, 90, 100.
    public var thresholds: [Int]
    /// A threshold is crossed downward only when occupancy falls this many points below it. Default 5.
    public var hysteresisPoints: Double
    /// When the quarantine rooms of an area reach this occupancy, the nearest standby site is activated. Default 80.
    public var standbyActivationPercent: Int
    /// Lead time of a standby site that does not state its own. Default 72 h.
    public var defaultActivationLead: Duration
    /// A negative PCR sample collected at most this long before the quarantine end (or after it)
    /// counts as the release test. Default 48 h.
    public var releaseTestWindow: Duration
    /// How far (in area hops) a person is sent from their own area; nil means anywhere in the city. Default nil.
    public var maximumAreaHops: Int?

    /// The defaults.
    public static let `default` = AllocationPolicy(
        version: "allocator-default-1", quarantineDays: 7, homeMonitoringDays: 3, centralizeSecondaryContacts: false,
        carerChildUnderAge: 6, carerElderFromAge: 80, allowCarers: true, priorityElderFromAge: 60, priorityChildUnderAge: 6,
        thresholds: [80, 90, 100], hysteresisPoints: 5, standbyActivationPercent: 80, defaultActivationLead: .seconds(72 * 3600),
        releaseTestWindow: .seconds(48 * 3600), maximumAreaHops: nil)

    /// Creates a policy from every value.
    public init(
        version: String, quarantineDays: Int, homeMonitoringDays: Int, centralizeSecondaryContacts: Bool,
        carerChildUnderAge: Int, carerElderFromAge: Int, allowCarers: Bool, priorityElderFromAge: Int, priorityChildUnderAge: Int,
        thresholds: [Int], hysteresisPoints: Double, standbyActivationPercent: Int, defaultActivationLead: Duration,
        releaseTestWindow: Duration, maximumAreaHops: Int?
    ) {
        self.version = version
        self.quarantineDays = quarantineDays
        self.homeMonitoringDays = homeMonitoringDays
        self.centralizeSecondaryContacts = centralizeSecondaryContacts
        self.carerChildUnderAge = carerChildUnderAge
        self.carerElderFromAge = carerElderFromAge
        self.allowCarers = allowCarers
        self.priorityElderFromAge = priorityElderFromAge
        self.priorityChildUnderAge = priorityChildUnderAge
        self.thresholds = thresholds.sorted()
        self.hysteresisPoints = hysteresisPoints
        self.standbyActivationPercent = standbyActivationPercent
        self.defaultActivationLead = defaultActivationLead
        self.releaseTestWindow = releaseTestWindow
        self.maximumAreaHops = maximumAreaHops
    }
}
