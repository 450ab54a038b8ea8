import FangyiKafka
import Logging
import ServiceLifecycle

/// The consuming loop of `fangyi tail`: prints records until it has printed ``limit`` of them
/// or graceful shutdown (Ctrl-C), then closes the consumer so it leaves its group at once.
///
/// Offsets are stored only when ``storesOffsets`` is set (a group the operator named, to resume
/// from later); a throwaway group commits nothing.
///
/// Concurrency: `Sendable`; ``run()`` is called once, by the service group, and is the
/// consumer's only reader.
final class TailService: Service, Sendable, CustomStringConvertible {
    private let consumer: KafkaConsumer
    private let printer: RecordPrinter
    /// How many records to print before stopping; `nil` for no limit.
    let limit: Int?
    /// Whether to store the offsets of printed records (committed automatically).
    let storesOffsets: Bool

    /// Creates the loop over an already subscribed consumer.
    init(consumer: KafkaConsumer, printer: RecordPrinter, limit: Int?, storesOffsets: Bool) {
        self.consumer = consumer
        self.printer = printer
        self.limit = limit
        self.storesOffsets = storesOffsets
    }

    /// Prints records until the limit or graceful shutdown; always closes the consumer.
    func run() async throws {
        try await consuming(consumer) { try await self.printRecords() }
    }

    private func printRecords() async throws {
        var printed = 0
        while limit.map({ printed < $0 }) ?? true {
            let room = limit.map { $0 - printed } ?? 500
            guard let batch = try await consumer.nextBatch(maxMessages: min(room, 500)) else { return }
            for message in batch {
                printer.format(message).forEach(Console.out)
            }
            if storesOffsets {
                try consumer.storeOffsets(for: batch)
            }
            printed += batch.count
        }
    }

    /// `TailService(group)`, for the service group's log lines.
    var description: String { "TailService(\(consumer.groupID))" }
}
