extension Duration {
    /// The duration in seconds, as a `Double` (metrics, rate limits, backoff, Retry-After).
    public var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
