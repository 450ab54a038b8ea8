extension Duration {
    /// The duration in seconds, as a `Double` (metrics, rate limits, Retry-After).
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
