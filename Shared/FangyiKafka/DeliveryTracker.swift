import CRdKafka
import Metrics
import Synchronization

/// Tracks the delivery reports of one `send` call (one message or a batch) and
/// wakes the sender when the last one has arrived.
///
/// Each message's opaque pointer points at a ``Slot`` naming the batch and the
/// message's index, so the report lands in the right place without a lookup.
/// Reports may arrive on any thread that serves the producer's main queue
/// (the producer's drain loop, or a flush at shutdown), hence the mutex.
final class DeliveryTracker: Sendable {
    struct Slot {
        let tracker: Unmanaged<DeliveryTracker>
        let index: Int
    }

    /// Every message's outcome once all reports are in: where it was stored,
    /// or (in `errors`, by index) why it failed. Kept as flat arrays: the hot
    /// path writes two integers per message.
    struct Outcomes: Sendable {
        var partitions: [Int32]
        var offsets: [Int64]
        var errors: [Int: KafkaError]
    }

    private struct State {
        var outcomes: Outcomes
        var remaining: Int
        var continuation: CheckedContinuation<Outcomes, Never>?
    }

    private let state: Mutex<State>
    /// Per-message slots handed to librdkafka as opaque pointers.
    nonisolated(unsafe) private let slots: UnsafeMutablePointer<Slot>
    let count: Int
    let started: ContinuousClock.Instant
    let metrics: KafkaClientMetrics

    init(count: Int, metrics: KafkaClientMetrics) {
        self.count = count
        self.metrics = metrics
        self.started = .now
        let outcomes = Outcomes(partitions: Array(repeating: -1, count: count), offsets: Array(repeating: -1, count: count), errors: [:])
        self.state = Mutex(State(outcomes: outcomes, remaining: count, continuation: nil))
        self.slots = .allocate(capacity: max(count, 1))
        // Retained once for librdkafka; released when the last report arrives.
        let unmanaged = Unmanaged.passRetained(self)
        for i in 0..<count {
            (slots + i).initialize(to: Slot(tracker: unmanaged, index: i))
        }
        if count == 0 { unmanaged.release() }
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// The opaque pointer for message `index`.
    func opaque(for index: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(slots + index)
    }

    /// Records a failure that happened before librdkafka took the message.
    func fail(index: Int, _ error: KafkaError) {
        complete(index: index, partition: -1, offset: -1, error: error)
    }

    /// Called from the delivery report callback.
    static func deliver(_ message: UnsafePointer<rd_kafka_message_t>) {
        guard let raw = message.pointee._private else { return }
        let slot = raw.assumingMemoryBound(to: Slot.self).pointee
        let tracker = slot.tracker.takeUnretainedValue()
        let err = message.pointee.err
        tracker.complete(
            index: slot.index, partition: message.pointee.partition, offset: message.pointee.offset,
            error: err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(err))
    }

    private func complete(index: Int, partition: Int32, offset: Int64, error: KafkaError?) {
        let (finished, continuation, outcomes): (Bool, CheckedContinuation<Outcomes, Never>?, Outcomes?) = state.withLock { state in
            if let error {
                state.outcomes.errors[index] = error
            } else {
                state.outcomes.partitions[index] = partition
                state.outcomes.offsets[index] = offset
            }
            state.remaining -= 1
            guard state.remaining == 0 else { return (false, nil, nil) }
            let c = state.continuation
            state.continuation = nil
            return (true, c, c == nil ? nil : state.outcomes)
        }
        if error != nil { metrics.deliveryFailures.increment() }
        guard finished else { return }
        metrics.delivered.increment(by: count)
        metrics.produceLatency.recordInterval(since: started)
        if let continuation, let outcomes { continuation.resume(returning: outcomes) }
        // Balance the retain taken in init: librdkafka holds no more slots.
        Unmanaged.passUnretained(self).release()
    }

    /// Waits until every message has a report.
    func outcomes() async -> Outcomes {
        await withCheckedContinuation { continuation in
            let ready: Outcomes? = state.withLock { state in
                if state.remaining == 0 { return state.outcomes }
                state.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

extension Metrics.Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let (s, atto) = elapsed.components
        recordNanoseconds(s * 1_000_000_000 + atto / 1_000_000_000)
    }
}
