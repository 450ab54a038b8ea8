public import FangyiEvents

/// Occupancy thresholds with hysteresis: a threshold is crossed upward when occupancy
/// reaches it, and downward only when occupancy falls ``AllocationPolicy/hysteresisPoints``
/// below it, so a pool hovering at 80% does not alert on every admission.
public enum ThresholdLevel {
    /// The occupancy percentage of a pool: occupied over in-service units (units being
    /// cleaned or closed cannot take anyone). No in-service units: 100 if any are occupied
    /// or out of service, else 0.
    public static func occupancyPercent(occupied: Int, inService: Int) -> Double {
        guard inService > 0 else { return occupied > 0 ? 100 : 0 }
        return Double(occupied) * 100 / Double(inService)
    }

    /// The new level (the highest threshold held as crossed, 0 for none) and the
    /// crossings, in the order they happen, from `level` at `occupancy` percent.
    public static func next(level: Int, occupancy: Double, thresholds: [Int], hysteresis: Double)
        -> (level: Int, crossings: [(threshold: Int, direction: ThresholdDirection)])
    {
        var crossings: [(Int, ThresholdDirection)] = []
        var current = level
        for threshold in thresholds.sorted() where threshold > current && occupancy >= Double(threshold) {
            crossings.append((threshold, .up))
            current = threshold
        }
        if crossings.isEmpty {
            for threshold in thresholds.sorted(by: >) where threshold <= current && occupancy < Double(threshold) - hysteresis {
                crossings.append((threshold, .down))
                current = thresholds.filter { $0 < threshold }.max() ?? 0
            }
        }
        return (current, crossings)
    }
}
