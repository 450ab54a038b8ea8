/// Raised by ``eventually(_:timeout:interval:_:)`` when the condition never held.
public struct ConditionTimeout: Error, CustomStringConvertible {
    /// What was being waited for.
    public let what: String
    /// How long it was waited for.
    public let timeout: Duration
    public var description: String { "timed out after \(timeout) waiting for: \(what)" }

    /// Creates the error.
    public init(what: String, timeout: Duration) {
        self.what = what
        self.timeout = timeout
    }
}

/// Waits until `condition` returns `true`, checking every `interval`, and
/// throws ``ConditionTimeout`` after `timeout`.
///
/// For conditions with no event to wait on (rows appearing in a database
/// written by another process). The timeout is a failure bound, not a speed
/// target: keep it generous.
public func eventually(
    _ what: String,
    timeout: Duration = .seconds(90),
    interval: Duration = .milliseconds(100),
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try await condition() { return }
        guard clock.now < deadline else { throw ConditionTimeout(what: what, timeout: timeout) }
        try await clock.sleep(for: interval)
    }
}
