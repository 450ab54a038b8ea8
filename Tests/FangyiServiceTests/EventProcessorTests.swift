import FangyiEvents
import FangyiKafka
import FangyiService
import FangyiTesting
import Foundation
import Logging
import PostgresNIO
import Testing

/// Applies check-ins to a table; throws for venues named `poison`.
private struct RecordingHandler: EventHandler {
    struct Rejected: Error, CustomStringConvertible {
        var description: String { "venue is marked poison" }
    }

    func handle(_ events: [InboundEvent], in transaction: EventTransaction) async throws {
        for event in events {
            let checkIn = try event.decode(CheckIn.self)
            if checkIn.venueId == "poison" { throw Rejected() }
            try await transaction.connection.query(
                "INSERT INTO applied (event_id, venue_id) VALUES (\(event.id), \(checkIn.venueId))",
                logger: Logger(label: "test"))
        }
    }
}

private let appliedTable = Migration(version: 1, name: "applied", sql: "CREATE TABLE applied (event_id text NOT NULL, venue_id text NOT NULL)")

@Suite("Event processor: inbox, dead letters")
struct EventProcessorTests {
    /// Runs a processor on `topic` until `body` returns.
    private func withProcessor(
        kafka: TestKafka, database: Database, topic: String, group: String,
        _ body: @Sendable (EventProcessor) async throws -> Void
    ) async throws {
        try await Migrator.migrate(EventProcessor.migrations + [appliedTable], database: database, logger: kafka.logger)
        let producer = try KafkaProducer(configuration: kafka.producerConfiguration(), logger: kafka.logger)
        let relay = OutboxRelay(database: database, producer: producer, logger: kafka.logger, sweepInterval: .milliseconds(100))
        let processor = EventProcessor(
            configuration: EventProcessorConfiguration(groupID: group, topics: [topic], maxAttempts: 2, retryBackoff: .milliseconds(10)),
            consumer: kafka.consumerConfiguration(group: group), producer: producer, database: database, relay: relay,
            handler: RecordingHandler(), logger: kafka.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await producer.run() }
            group.addTask { try await relay.run() }
            group.addTask { try await processor.run() }
            try await body(processor)
            group.cancelAll()
        }
    }

    @Test("an undecodable record and a record that keeps failing go to the dead-letter topic; the partition moves on")
    func deadLetters() async throws {
        let kafka = try TestKafka()
        try await withTestDatabase(logger: kafka.logger) { database in
            let topic = try await kafka.createTopic("dlq-input", partitions: 1)
            let group = "processor.\(kafka.suffix)"
            let dlq = Topic.deadLetterTopic(forGroup: group).name
            if let mock = kafka.mock { try mock.createTopic(dlq, partitions: 1) }
            var records = try CheckInFixtures.messages(topic: topic, run: kafka.suffix, range: 0..<3)
            // Index 1: headers of an event, value that is not JSON.
            records[1].value = Array("{not json".utf8)
            // Index 3: a valid event the handler rejects every time.
            let poison = CheckIn(venueId: "poison", venueKind: .market, areaCode: "371502", subjectRef: "sr_x", source: .placeCode, checkedInAt: Date(timeIntervalSince1970: 1_650_000_000))
            let envelope = try EventEnvelope.make(poison, id: EventID.derive(["poison", kafka.suffix]), source: "fangyi/test", time: poison.checkedInAt)
            records.append(KafkaProducerMessage(topic: topic, key: Array("poison".utf8), value: envelope.data, headers: envelope.headers().map { KafkaHeader(key: $0.key, value: $0.value) }))
            records += try CheckInFixtures.messages(topic: topic, run: kafka.suffix, range: 3..<5)
            let sent = records
            let reports = try await kafka.withProducer { producer in try await sent.asyncMap { try await producer.send($0) } }

            try await withProcessor(kafka: kafka, database: database, topic: topic, group: group) { processor in
                try await eventually("4 good events applied") { try await database.scalar("SELECT count(*)::int8 FROM applied") == 4 }
                try await eventually("2 records dead-lettered") { processor.statistics.deadLettered == 2 }
            }
            #expect(try await database.scalar("SELECT count(DISTINCT event_id)::int8 FROM applied") == 4)

            let consumer = try KafkaConsumer(configuration: kafka.consumerConfiguration(group: "dlq-reader"), topics: [dlq], logger: kafka.logger)
            var dead: [KafkaMessage] = []
            while dead.count < 2, let batch = try await consumer.nextBatch() { dead += batch }
            await consumer.close()
            #expect(dead.count == 2)
            let undecodable = try #require(dead.first { $0.headers.string("fangyi_dlq_origin_offset") == String(reports[1].offset) })
            #expect(undecodable.headers.string("fangyi_dlq_origin_topic") == topic)
            #expect(undecodable.headers.string("fangyi_dlq_origin_partition") == "0")
            #expect(undecodable.headers.string("fangyi_dlq_group") == group)
            #expect(undecodable.headers.string("fangyi_dlq_error_code")?.hasPrefix("envelope.") == true)
            #expect(undecodable.value == Array("{not json".utf8))
            #expect(undecodable.headers.string("ce_id") != nil, "original headers are kept")
            let rejected = try #require(dead.first { $0.headers.string("fangyi_dlq_origin_offset") == String(reports[3].offset) })
            #expect(rejected.headers.string("fangyi_dlq_error_code")?.hasPrefix("handler.") == true)
            #expect(rejected.headers.string("fangyi_dlq_attempts") == "2")
            #expect(rejected.key == Array("poison".utf8))
        }
    }

    @Test("a record delivered twice takes effect once")
    func duplicatesAreSkipped() async throws {
        let kafka = try TestKafka()
        try await withTestDatabase(logger: kafka.logger) { database in
            let topic = try await kafka.createTopic("dup-input", partitions: 2)
            let once = try CheckInFixtures.messages(topic: topic, run: kafka.suffix, range: 0..<50)
            let records = once + once.prefix(20)
            _ = try await kafka.withProducer { producer in await producer.send(batch: records) }
            try await withProcessor(kafka: kafka, database: database, topic: topic, group: "dup") { processor in
                try await eventually("all deliveries seen") { processor.statistics.processed + processor.statistics.duplicates == 70 }
                #expect(processor.statistics.duplicates == 20)
            }
            #expect(try await database.scalar("SELECT count(*)::int8 FROM applied") == 50)
            #expect(try await database.scalar("SELECT count(*)::int8 FROM fangyi_inbox") == 50)
        }
    }
}

extension Sequence where Element: Sendable {
    /// Maps in order, awaiting each element.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
