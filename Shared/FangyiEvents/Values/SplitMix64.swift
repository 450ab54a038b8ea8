/// SplitMix64: a small deterministic generator (never for secrets), so simulated cities, fuzz
/// cases and benchmark data are the same on every run and can be replayed from their seed.
/// Concurrency: a value type; each user owns its copy.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Starts the sequence at `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<n (slightly biased for huge n; fine for simulated, test and benchmark data).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(Swift.max(1, n))) }

    /// A number in 0..<1.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }
}
