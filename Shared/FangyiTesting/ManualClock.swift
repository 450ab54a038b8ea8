public import Foundation
import Synchronization

/// A settable "now" that a handler under test reads (`clock: { manual.now }`) and the test moves.
/// Concurrency: `Sendable`; the value is behind a mutex.
public final class ManualClock: Sendable {
    private let value: Mutex<Date>

    /// Starts at `start`.
    public init(_ start: Date) { value = Mutex(start) }

    /// The current time.
    public var now: Date { value.withLock { $0 } }

    /// Moves the time forward by `seconds`.
    public func advance(_ seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }

    /// Sets the time.
    public func set(_ date: Date) { value.withLock { $0 = date } }
}
