import FangyiEvents
import FangyiKafka
@testable import FangyiService
import FangyiTesting
@testable import FangyiTracing
import Foundation
import Logging
import PostgresNIO
import Testing

/// Two instances applying batches at the same moment, as two workers of one group do when a
/// venue's check-ins and a person's results sit on different partitions. Each instance's
/// transaction cannot see the other's uncommitted rows; the serializable isolation of the
/// tracing processor makes PostgreSQL abort one of a conflicting pair, and the retry sees
/// the other's rows. Nothing is missed whichever commits first.
@Suite("Tracing instances racing on one venue or person")
struct ConcurrentInstancesTests {
    static func inbound<E: KeyedEvent>(_ events: [E], run: String) throws -> [InboundEvent] {
        try Outbreak.records(events, topics: [:], run: run).enumerated().map { index, record in
            try InboundEvent(message: KafkaMessage(topic: record.topic, partition: 0, offset: Int64(index), key: record.key,
                                                   value: record.value, headers: record.headers))
        }
    }

    /// Applies like the processor's consume loop: a transient failure (a serialization
    /// conflict, a deadlock) is retried; anything else fails the test.
    static func applyRetrying(_ processor: EventProcessor, _ events: [InboundEvent]) async throws -> Int {
        var retries = 0
        while true {
            do {
                try await processor.apply(events)
                return retries
            } catch where ProcessingFailure.isTransient(error) {
                retries += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...20)))
            }
        }
    }

    @Test("a check-in stored while the case opens on another instance still makes its contact", arguments: [false, true])
    func checkInRacesPositive(lateOwnVisit: Bool) async throws {
        let kafka = try TestKafka(brokers: 1, label: "race")
        let outbreak = Outbreak()
        try await withTestDatabase(logger: kafka.logger) { database in
            try await Migrator.migrate(EventProcessor.migrations + TracingMigrations.all, database: database, logger: kafka.logger)
            let producer = try KafkaProducer(configuration: kafka.producerConfiguration(), logger: kafka.logger)
            let partitions = CheckInPartitions(database: database)
            let maintenance = RetentionMaintenance(database: database, partitions: partitions, policy: .default, interval: .seconds(3600),
                                                   logger: kafka.logger)
            try await maintenance.runOnce(now: Date())
            let instances = (0..<2).map { _ in
                EventProcessor(
                    configuration: EventProcessorConfiguration(groupID: TracingMain.group, topics: TracingHandler.topics,
                                                               inboxExemptTopics: [TopicCatalog.checkIns.name], isolation: .serializable),
                    consumer: kafka.consumerConfiguration(group: TracingMain.group), producer: producer, database: database, relay: nil,
                    handler: TracingHandler(policy: .default, partitions: partitions, metrics: TracingMetrics(), logger: kafka.logger),
                    logger: kafka.logger)
            }
            let rounds = 30
            // Round i: case Ci and visitor Qi at venue Vi at the same hour. The visitor's scan
            // (or, with lateOwnVisit, the case's own scan) arrives on one instance while the
            // case's positive is applied on the other.
            for i in 0..<rounds {
                let early = lateOwnVisit
                    ? outbreak.checkIn("Q\(i)", "race-V\(i)", .restaurant, 40)
                    : outbreak.checkIn("C\(i)", "race-V\(i)", .restaurant, 40)
                _ = try await Self.applyRetrying(instances[0], try Self.inbound([early], run: "early-\(i)"))
            }
            var retries = 0
            for i in 0..<rounds {
                let late = lateOwnVisit
                    ? outbreak.checkIn("C\(i)", "race-V\(i)", .restaurant, 40.25)
                    : outbreak.checkIn("Q\(i)", "race-V\(i)", .restaurant, 40.25)
                let checkIn = try Self.inbound([late], run: "late-\(i)")
                let positive = try Self.inbound([outbreak.result("C\(i)", .positive, collected: 81, reported: 87)], run: "positive-\(i)")
                async let a = Self.applyRetrying(instances[0], checkIn)
                async let b = Self.applyRetrying(instances[1], positive)
                retries += try await a + b
            }
            let contacts = try await TracingHarness.activeContacts(database)
            let missed = (0..<rounds).map { "sr-Q\($0)" }.filter { contacts[$0] != .close }
            #expect(missed.isEmpty, "every visitor is a close contact; missed \(missed) (retries \(retries))")
            #expect(try await TracingHarness.published(database).of(CaseOpened.self).count == rounds)
        }
    }
}
