/// The messages of a ``KafkaConsumer``, one at a time, read in batches.
///
/// Iterate it from one task. When the iteration ends early (a `break`, a
/// thrown error) the consumer is closed, so its partitions move to other group
/// members at once instead of after a session timeout.
public struct KafkaMessageSequence: AsyncSequence, Sendable {
    public typealias Element = KafkaMessage
    let consumer: KafkaConsumer
    let batchSize: Int

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(consumer: consumer, batchSize: batchSize)
    }

    /// Reads batches and hands out their messages in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let lifetime: Lifetime
        private let batchSize: Int
        private var buffer: [KafkaMessage] = []
        private var index = 0

        init(consumer: KafkaConsumer, batchSize: Int) {
            self.lifetime = Lifetime(consumer: consumer)
            self.batchSize = batchSize
        }

        public mutating func next() async throws -> KafkaMessage? {
            if index < buffer.count {
                defer { index += 1 }
                return buffer[index]
            }
            guard let batch = try await lifetime.consumer.nextBatch(maxMessages: batchSize), !batch.isEmpty else {
                return nil
            }
            buffer = batch
            index = 1
            return batch[0]
        }
    }

    /// Closes the consumer when the last copy of the iterator goes away.
    final class Lifetime: Sendable {
        let consumer: KafkaConsumer
        init(consumer: KafkaConsumer) { self.consumer = consumer }
        deinit {
            let consumer = self.consumer
            Task { await consumer.close() }
        }
    }
}
