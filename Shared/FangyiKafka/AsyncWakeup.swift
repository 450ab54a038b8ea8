import CRdKafka
import Synchronization

/// An `await`able wake-up signal: one task waits, any thread signals.
///
/// A signal that arrives while nobody waits is remembered (at most one), so a
/// waiter that checks its condition and then waits never misses a wake-up.
/// FangyiKafka uses it for librdkafka's queue event callback, which fires on a
/// librdkafka thread when an element is enqueued on a previously *empty* queue
/// (so the owner always drains before it waits); services use it to wake
/// background loops such as an outbox relay. Exactly one task waits at a time.
public final class AsyncWakeup: Sendable {
    /// The state machine: pure, kept behind the mutex, side effects returned.
    struct StateMachine {
        enum State {
            case idle
            case signaled
            case waiting(CheckedContinuation<Void, Never>)
        }
        var state: State = .signaled

        /// A signal arrived: resume the waiter, if any (the caller resumes it outside the lock).
        mutating func signal() -> CheckedContinuation<Void, Never>? {
            switch state {
            case .idle, .signaled:
                state = .signaled
                return nil
            case .waiting(let continuation):
                state = .idle
                return continuation
            }
        }

        /// A task wants to wait: returns `false` when it must not suspend (already signaled or cancelled).
        mutating func wait(_ continuation: CheckedContinuation<Void, Never>, cancelled: Bool) -> Bool {
            switch state {
            case .signaled:
                state = .idle
                return false
            case .idle:
                if cancelled { return false }
                state = .waiting(continuation)
                return true
            case .waiting:
                preconditionFailure("AsyncWakeup supports one waiter at a time")
            }
        }
    }

    private let machine = Mutex(StateMachine())

    /// Creates a wake-up; the first `wait()` returns at once (nothing has been checked yet).
    public init() {}

    /// Wakes the waiter, or remembers the signal for the next `wait()`. Thread-safe, never blocks.
    public func signal() {
        machine.withLock { $0.signal() }?.resume()
    }

    /// Suspends until signaled or the task is cancelled. Returns at once if a signal is pending.
    public func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let suspended = machine.withLock { $0.wait(continuation, cancelled: Task.isCancelled) }
                if !suspended { continuation.resume() }
            }
        } onCancel: {
            signal()
        }
    }

    /// Waits until signaled, cancelled, or `timeout` has passed, whichever is first.
    public func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait() }
            group.addTask { try? await ContinuousClock().sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Registers this wake-up as `queue`'s event callback. The queue must be
    /// detached with ``detach(from:)`` before this object is released.
    func attach(to queue: OpaquePointer) {
        rd_kafka_queue_cb_event_enable(queue, { _, opaque in
            guard let opaque else { return }
            Unmanaged<AsyncWakeup>.fromOpaque(opaque).takeUnretainedValue().signal()
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Removes the event callback from `queue`.
    func detach(from queue: OpaquePointer) {
        rd_kafka_queue_cb_event_enable(queue, nil, nil)
    }
}
