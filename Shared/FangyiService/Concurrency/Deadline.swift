/// Thrown by ``withDeadline(_:operation:)`` when the operation did not finish in time.
///
/// Concurrency: a value type; `Sendable`.
public struct DeadlineExceededError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable machine-readable code: `deadline.exceeded`.
    public var code: String { "deadline.exceeded" }

    /// The time limit that was exceeded.
    public var timeout: Duration

    /// Creates an error for `timeout`.
    public init(timeout: Duration) {
        self.timeout = timeout
    }

    /// `deadline.exceeded: did not finish within <timeout>`.
    public var description: String {
        "\(self.code): did not finish within \(self.timeout)"
    }
}

/// Runs `operation` and returns its result, or throws `DeadlineExceededError`
/// once `timeout` has passed, cancelling the operation.
///
/// The operation runs in a child task and must honour cancellation for the
/// deadline to take effect promptly: structured concurrency waits for it to
/// return after cancelling it.
///
/// Concurrency: may be called from any context; cancelling the caller cancels
/// the operation and the timer.
public func withDeadline<Result: Sendable>(
    _ timeout: Duration,
    operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: DeadlineOutcome<Result>.self) { group in
        group.addTask { .finished(try await operation()) }
        group.addTask {
            try await Task.sleep(for: timeout)
            return .timedOut
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else {
            throw DeadlineExceededError(timeout: timeout)
        }
        switch first {
        case .finished(let value):
            return value
        case .timedOut:
            throw DeadlineExceededError(timeout: timeout)
        }
    }
}

/// What finished first in ``withDeadline(_:operation:)``.
private enum DeadlineOutcome<Result: Sendable>: Sendable {
    case finished(Result)
    case timedOut
}
