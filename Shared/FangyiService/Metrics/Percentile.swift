/// The nearest-rank percentile `p` (0...1) of `values`, which need not be sorted; 0 for none.
/// For figures reported over a run (benchmarks, the demo's report), not for live metrics.
public func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted[max(0, min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}
