import Synchronization

/// A token bucket per lab: `rate` requests a second on average, `burst` at once.
///
/// Concurrency: thread-safe (one lock around the buckets); time is passed in, so tests
/// need no clock.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    private let burst: Double

    init(burst: Double) {
        self.burst = max(1, burst)
    }

    /// Takes one token for `lab` at `rate` per second. Returns nil when allowed, else how
    /// long until a token is free.
    func acquire(lab: String, rate: Double, now: ContinuousClock.Instant) -> Duration? {
        buckets.withLock { buckets in
            var bucket = buckets[lab] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + max(0, (now - bucket.updated).seconds) * rate)
            bucket.updated = now
            defer { buckets[lab] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return .milliseconds(Int64(((1 - bucket.tokens) / rate * 1000).rounded(.up)))
        }
    }
}
