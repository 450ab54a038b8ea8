public import FangyiKafka
import Synchronization

/// A ``KafkaConsumer`` read by a task of its own that records every message it
/// receives and, by default, stores offsets after each batch (the way a real
/// processor does: record, then store, then ask for the next batch).
///
/// Tests read the records while the task runs; ``stop()`` ends the reading
/// task and closes the consumer. Safe to use from any task.
public final class RecordingConsumer: Sendable {
    /// One received message, copied out of librdkafka's buffer.
    public struct Record: Sendable, Hashable {
        /// Where it was read from.
        public let topicPartition: TopicPartition
        /// Its offset.
        public let offset: Int64
        /// The value decoded as UTF-8 (empty for a tombstone).
        public let value: String
    }

    /// The consumer being read.
    public let consumer: KafkaConsumer
    private let storesOffsets: Bool
    private let state = Mutex(State())

    private struct State {
        var records: [Record] = []
        var error: KafkaError?
        var reader: Task<Void, Never>?
    }

    /// Wraps `consumer`; call ``start()`` to begin reading.
    public init(_ consumer: KafkaConsumer, storesOffsets: Bool = true) {
        self.consumer = consumer
        self.storesOffsets = storesOffsets
    }

    /// Starts the reading task (once).
    public func start() {
        state.withLock { state in
            guard state.reader == nil else { return }
            state.reader = Task { [self] in await read() }
        }
    }

    /// Everything received so far, in the order received.
    public var records: [Record] { state.withLock { $0.records } }

    /// The error that ended reading, if one did.
    public var error: KafkaError? { state.withLock { $0.error } }

    /// Makes the reading task finish its batch and end, waits for it, then
    /// closes the consumer (leaving the group).
    public func stop() async {
        consumer.stop()
        let reader = state.withLock { $0.reader }
        await reader?.value
        await consumer.close()
    }

    private func read() async {
        do {
            while let batch = try await consumer.nextBatch() {
                let records = batch.map { message in
                    Record(topicPartition: message.topicPartition, offset: message.offset,
                           value: String(decoding: message.value ?? [], as: UTF8.self))
                }
                state.withLock { $0.records += records }
                if storesOffsets { try consumer.storeOffsets(for: batch) }
            }
        } catch {
            state.withLock { $0.error = error }
        }
    }
}
