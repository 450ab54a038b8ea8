/// The rules intake applies when it reads and interprets a result: a named, configurable
/// policy whose defaults are the national protocol's (9th edition, 2022; DOMAIN.md).
///
/// Loaded from the `interpretation` section of the policy file (``IntakePolicy``).
/// Concurrency: a value type; `Sendable`.
public struct InterpretationPolicy: Sendable, Equatable, Codable {
    /// A Ct below this on a target means the target is detected. Default 35.
    public var positiveBelowCt: Double
    /// A Ct from ``positiveBelowCt`` up to (not including) this is a weak signal that needs a retest. Default 40.
    public var inconclusiveBelowCt: Double
    /// The targets that must all be detected for a positive (ORF1ab and N).
    public var requiredTargets: [String]
    /// Ct values outside this range are rejected as implausible. Default 0...50.
    public var plausibleCtRange: ClosedRange<Double>
    /// How far in the future a collection or report time may be (clock skew), in seconds. Default 300.
    public var clockSkewSeconds: Double
    /// The most members a pooled sample may have. Default 50 (pools are 10 or 20 in practice).
    public var maxPoolMembers: Int

    /// The national protocol's defaults.
    public static let `default` = InterpretationPolicy(
        positiveBelowCt: 35, inconclusiveBelowCt: 40, requiredTargets: ["ORF1ab", "N"],
        plausibleCtRange: 0...50, clockSkewSeconds: 300, maxPoolMembers: 50
    )

    /// Creates a policy.
    public init(positiveBelowCt: Double, inconclusiveBelowCt: Double, requiredTargets: [String],
                plausibleCtRange: ClosedRange<Double>, clockSkewSeconds: Double, maxPoolMembers: Int) {
        self.positiveBelowCt = positiveBelowCt
        self.inconclusiveBelowCt = inconclusiveBelowCt
        self.requiredTargets = requiredTargets
        self.plausibleCtRange = plausibleCtRange
        self.clockSkewSeconds = clockSkewSeconds
        self.maxPoolMembers = maxPoolMembers
    }

    private enum CodingKeys: String, CodingKey {
        case positiveBelowCt, inconclusiveBelowCt, requiredTargets, minimumCt, maximumCt, clockSkewSeconds, maxPoolMembers
    }

    /// Reads a policy section; absent values keep their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self.default
        positiveBelowCt = try c.decodeIfPresent(Double.self, forKey: .positiveBelowCt) ?? d.positiveBelowCt
        inconclusiveBelowCt = try c.decodeIfPresent(Double.self, forKey: .inconclusiveBelowCt) ?? d.inconclusiveBelowCt
        requiredTargets = try c.decodeIfPresent([String].self, forKey: .requiredTargets) ?? d.requiredTargets
        let low = try c.decodeIfPresent(Double.self, forKey: .minimumCt) ?? d.plausibleCtRange.lowerBound
        let high = try c.decodeIfPresent(Double.self, forKey: .maximumCt) ?? d.plausibleCtRange.upperBound
        guard low <= high, positiveBelowCt <= inconclusiveBelowCt else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                debugDescription: "minimumCt must not exceed maximumCt, nor positiveBelowCt inconclusiveBelowCt"))
        }
        plausibleCtRange = low...high
        clockSkewSeconds = try c.decodeIfPresent(Double.self, forKey: .clockSkewSeconds) ?? d.clockSkewSeconds
        maxPoolMembers = try c.decodeIfPresent(Int.self, forKey: .maxPoolMembers) ?? d.maxPoolMembers
    }

    /// Writes the policy section.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(positiveBelowCt, forKey: .positiveBelowCt)
        try c.encode(inconclusiveBelowCt, forKey: .inconclusiveBelowCt)
        try c.encode(requiredTargets, forKey: .requiredTargets)
        try c.encode(plausibleCtRange.lowerBound, forKey: .minimumCt)
        try c.encode(plausibleCtRange.upperBound, forKey: .maximumCt)
        try c.encode(clockSkewSeconds, forKey: .clockSkewSeconds)
        try c.encode(maxPoolMembers, forKey: .maxPoolMembers)
    }
}
