public import Foundation

/// A half-open span of time `[start, end)`: a visit, an infectious window, an exposure.
///
/// Two spans that only touch (one ends when the other starts) do not overlap: a person
/// who leaves at 12:00 did not meet one who arrived at 12:00.
/// Concurrency: a value type; `Sendable`.
public struct TimeSpan: Sendable, Hashable, CustomStringConvertible {
    /// The first instant in the span.
    public var start: Date
    /// The first instant after the span.
    public var end: Date

    /// Creates a span; an `end` before `start` is clamped to `start` (an empty span).
    public init(start: Date, end: Date) {
        self.start = start
        self.end = max(start, end)
    }

    /// Whether the span covers no time.
    public var isEmpty: Bool { end <= start }

    /// Whether the two spans share some time.
    public func overlaps(_ other: TimeSpan) -> Bool {
        start < other.end && other.start < end && !isEmpty && !other.isEmpty
    }

    /// The shared part, or `nil` when the spans do not overlap.
    public func intersection(_ other: TimeSpan) -> TimeSpan? {
        guard overlaps(other) else { return nil }
        return TimeSpan(start: max(start, other.start), end: min(end, other.end))
    }

    /// The smallest span covering both.
    public func union(_ other: TimeSpan) -> TimeSpan {
        TimeSpan(start: min(start, other.start), end: max(end, other.end))
    }

    public var description: String { "[\(start.timeIntervalSince1970), \(end.timeIntervalSince1970))" }
}

extension Date {
    /// This date moved by `duration` (negative moves back).
    public func adding(_ duration: Duration) -> Date {
        let (seconds, attoseconds) = duration.components
        return addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
