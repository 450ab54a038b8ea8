import Synchronization

/// Thrown by ``withDeadline(_:_:_:)`` when the operation did not finish in time.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    /// What was being waited for.
    public let what: String
    /// The bound that passed.
    public let limit: Duration

    public var description: String { "\(what) did not finish within \(limit)" }
}

/// Runs `operation` and returns its result, or throws ``DeadlineExceeded`` once
/// `limit` passes — so a call that hangs fails the test instead of hanging it.
///
/// The bound is a failure bound, not a speed target. When it passes, the
/// operation is cancelled but not awaited (it may not react to cancellation,
/// which is what this guards against).
public func withDeadline<T: Sendable>(
    _ what: String,
    _ limit: Duration = .seconds(60),
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await race(what, limit, progress: nil, operation)
}

/// Runs `operation` and returns its result, or throws ``DeadlineExceeded`` once `progress()`
/// has not changed for `stall` — for long operations whose total time depends on the
/// machine's load: a slow run keeps going, only one that stopped moving fails.
public func withStallDeadline<T: Sendable>(
    _ what: String,
    stall: Duration = .seconds(30),
    progress: @escaping @Sendable () -> Int,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await race(what, stall, progress: progress, operation)
}

private func race<T: Sendable>(
    _ what: String,
    _ limit: Duration,
    progress: (@Sendable () -> Int)?,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = Race<T>()
    return try await withCheckedThrowingContinuation { continuation in
        race.begin(continuation)
        let work = Task {
            do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
        }
        let timer = Task {
            var seen = progress?()
            while true {
                try? await Task.sleep(for: limit)
                if Task.isCancelled { return }
                let now = progress?()
                if now == nil || now == seen { break }
                seen = now
            }
            race.finish(.failure(DeadlineExceeded(what: what, limit: limit)))
            work.cancel()
        }
        race.onFinish { timer.cancel() }
    }
}

/// Resumes one continuation with whichever result comes first.
private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var cleanup: (@Sendable () -> Void)?
        var done = false
    }
    private let state = Mutex(State())

    func begin(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Runs `cleanup` when the race is decided (at once if it already is).
    func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.done { return true }
            state.cleanup = cleanup
            return false
        }
        if runNow { cleanup() }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, cleanup) = state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard !state.done else { return (nil, nil) }
            state.done = true
            defer { state.continuation = nil; state.cleanup = nil }
            return (state.continuation, state.cleanup)
        }
        continuation?.resume(with: result)
        cleanup?()
    }
}
