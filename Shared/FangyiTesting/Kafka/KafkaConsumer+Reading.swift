public import FangyiKafka

extension KafkaConsumer {
    /// Reads batches (of at most `maxMessages`) until `done` holds for
    /// everything read so far or the consumer stops, storing offsets after each
    /// batch when `storingOffsets` is set. Throws ``DeadlineExceeded`` after
    /// `limit` instead of hanging; the limit is a failure bound, not a speed target.
    public func read(
        maxMessages: Int = 500,
        storingOffsets: Bool = false,
        within limit: Duration = .seconds(60),
        until done: @escaping @Sendable ([KafkaMessage]) -> Bool
    ) async throws -> [KafkaMessage] {
        try await withDeadline("reading messages", limit) {
            var read: [KafkaMessage] = []
            while !done(read) {
                guard let batch = try await self.nextBatch(maxMessages: maxMessages) else { break }
                read += batch
                if storingOffsets { try self.storeOffsets(for: batch) }
            }
            return read
        }
    }
}
