import CRdKafka
import Synchronization

/// Turns librdkafka's queue event callback into an `await`able signal.
///
/// librdkafka calls the callback on one of its own threads when an element is
/// enqueued on a previously *empty* queue. The owner therefore always drains the
/// queue with non-blocking polls before it waits, and a signal that arrives while
/// nobody waits is remembered, so no wake-up is lost. Exactly one task waits at a
/// time; `signal()` may be called from any thread.
final class QueueWakeup: Sendable {
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
                preconditionFailure("QueueWakeup supports one waiter at a time")
            }
        }
    }

    private let machine = Mutex(StateMachine())

    /// Wakes the waiter, or remembers the signal for the next `wait()`. Thread-safe, never blocks.
    func signal() {
        machine.withLock { $0.signal() }?.resume()
    }

    /// Suspends until signaled or the task is cancelled. Returns at once if a signal is pending.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let suspended = machine.withLock { $0.wait(continuation, cancelled: Task.isCancelled) }
                if !suspended { continuation.resume() }
            }
        } onCancel: {
            signal()
        }
    }

    /// Registers this wake-up as `queue`'s event callback. The queue must be
    /// detached with ``detach(from:)`` before this object is released.
    func attach(to queue: OpaquePointer) {
        rd_kafka_queue_cb_event_enable(queue, { _, opaque in
            guard let opaque else { return }
            Unmanaged<QueueWakeup>.fromOpaque(opaque).takeUnretainedValue().signal()
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Removes the event callback from `queue`.
    func detach(from queue: OpaquePointer) {
        rd_kafka_queue_cb_event_enable(queue, nil, nil)
    }
}
