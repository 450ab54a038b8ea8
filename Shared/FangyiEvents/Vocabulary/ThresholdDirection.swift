/// Which way occupancy crossed a threshold.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum ThresholdDirection: String, ClosedStringEnum {
    /// Occupancy rose to or above the threshold.
    case up
    /// Occupancy fell below the threshold.
    case down
}
