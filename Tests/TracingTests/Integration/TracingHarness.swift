import FangyiEvents
import FangyiKafka
@testable import FangyiService
import FangyiTesting
@testable import FangyiTracing
import Foundation
import Logging
import PostgresNIO

/// Runs a tracing worker in-process against a fresh mock cluster and a fresh schema:
/// the real event processor, outbox relay and handler, consuming the test's own topics.
struct TracingHarness: Sendable {
    let kafka: TestKafka
    let database: Database
    let processor: EventProcessor
    /// Catalog topic → the test's topic.
    let topics: [String: String]
    let group: String

    static func run(label: String, policy: TracingPolicy = .default,
                    _ body: @Sendable (TracingHarness) async throws -> Void) async throws {
        let kafka = try TestKafka(label: label)
        try await withTestDatabase(logger: kafka.logger) { database in
            var topics: [String: String] = [:]
            for topic in TracingHandler.topics {
                topics[topic] = try await kafka.createTopic(topic, partitions: 3)
            }
            let group = "tracing.\(kafka.suffix)"
            if let mock = kafka.mock {
                for output in [TopicCatalog.tracingCases, TopicCatalog.tracingContacts, TopicCatalog.tracingClusters] {
                    try mock.createTopic(output.name, partitions: 3)
                }
                try mock.createTopic(Topic.deadLetterTopic(forGroup: group).name, partitions: 1)
            }
            try await Migrator.migrate(EventProcessor.migrations + TracingMigrations.all, database: database, logger: kafka.logger)
            let producer = try KafkaProducer(configuration: kafka.producerConfiguration(), logger: kafka.logger)
            let relay = OutboxRelay(database: database, producer: producer, logger: kafka.logger, sweepInterval: .milliseconds(100))
            let handler = TracingHandler(policy: policy, partitions: CheckInPartitions(database: database), metrics: TracingMetrics(),
                                         logger: kafka.logger)
            let inputs = Array(topics.values)
            let processor = EventProcessor(
                configuration: EventProcessorConfiguration(groupID: group, topics: inputs, maxAttempts: 2, retryBackoff: .milliseconds(10),
                                                           inboxExemptTopics: [topics[TopicCatalog.checkIns.name] ?? ""], isolation: .serializable),
                consumer: kafka.consumerConfiguration(group: group), producer: producer, database: database, relay: relay,
                handler: handler, logger: kafka.logger)
            let harness = TracingHarness(kafka: kafka, database: database, processor: processor, topics: topics, group: group)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await producer.run() }
                tasks.addTask { try await relay.run() }
                tasks.addTask { try await processor.run() }
                try await body(harness)
                tasks.cancelAll()
            }
        }
    }

    /// Sends events to their test topics and waits until the worker has applied them all
    /// (or dead-lettered them).
    func send<E: KeyedEvent>(_ events: [E], run: String) async throws {
        try await send(try Outbreak.records(events, topics: topics, run: run))
    }

    func send(_ records: [KafkaProducerMessage]) async throws {
        let before = processor.statistics
        let sent = records
        let failures = try await kafka.withProducer { producer in
            await producer.send(batch: sent).filter { if case .failure = $0 { true } else { false } }.count
        }
        guard failures == 0 else { throw HarnessError(message: "\(failures) records were not acknowledged") }
        try await eventually("\(records.count) events applied") {
            let now = processor.statistics
            return (now.processed + now.deadLettered + now.duplicates) - (before.processed + before.deadLettered + before.duplicates) >= records.count
        }
    }

    /// Active contacts: tier by subject ref.
    func activeContacts() async throws -> [String: ContactTier] {
        try await Self.activeContacts(database)
    }

    static func activeContacts(_ database: Database) async throws -> [String: ContactTier] {
        try await database.withConnection { connection in
            var result: [String: ContactTier] = [:]
            let rows = try await connection.query("SELECT subject_ref, tier FROM contacts WHERE cleared_at IS NULL", logger: Logger(label: "test"))
            for try await (ref, tier) in rows.decode((String, String).self) { result[ref] = ContactTier(rawValue: tier) }
            return result
        }
    }

    /// The events the worker published (from its outbox), decoded, in publication order.
    func published() async throws -> [EventEnvelope] {
        try await Self.published(database)
    }

    static func published(_ database: Database) async throws -> [EventEnvelope] {
        try await database.outboxEnvelopes()
    }
}

extension Array where Element == EventEnvelope {
    /// The payloads of events of type `E`.
    func of<E: FangyiEvent>(_ type: E.Type) throws -> [E] {
        try filter { $0.type == E.eventType }.map { try $0.decode(E.self) }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
