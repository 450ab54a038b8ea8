import FangyiEvents
import FangyiKafka
import FangyiService
import FangyiTesting
import Foundation
import Logging
import PostgresNIO
import Testing

/// Fault tests with real consumer processes (`fangyi-test-worker`): each runs an
/// ``EventProcessor`` that applies check-ins to tables in the test's schema and
/// echoes them through the outbox. Effects are checked in the database.
@Suite("Event processor across processes: kill, terminate, restart", .serialized)
struct ConsumerProcessFaultTests {
    private func startWorker(kafka: TestKafka, database: Database, topic: String, output: String, group: String, logLevel: String = "notice") async throws -> ProcessRunner {
        let worker = try await ProcessRunner.start(
            executableURL: try ProcessRunner.executableURL(named: "fangyi-test-worker"),
            environment: [
                "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrapServers,
                "DATABASE_URL": ProcessInfo.processInfo.environment[TestDatabase.urlVariable] ?? TestDatabase.fallbackURL,
                "WORKER_SCHEMA": database.schema, "WORKER_TOPIC": topic, "WORKER_OUTPUT_TOPIC": output,
                "WORKER_GROUP": group, "WORKER_SESSION_TIMEOUT_MS": "6000", "LOG_LEVEL": logLevel,
            ])
        try await worker.waitForLine(containing: "WORKER STARTED", timeout: .seconds(60))
        return worker
    }

    /// Waits for the worker tables (created by the first worker's migrations).
    private func applied(_ database: Database) async throws -> Int {
        try await database.scalar("SELECT COALESCE((SELECT applied FROM worker_totals WHERE id = 1), 0)::int8")
    }

    private func distinctEchoes(kafka: TestKafka, topic: String, expected: Int) async throws -> Int {
        let consumer = try KafkaConsumer(configuration: kafka.consumerConfiguration(group: "echo-reader"), topics: [topic], logger: kafka.logger)
        let ids = try await withDeadline(.seconds(120)) {
            var ids = Set<String>()
            while ids.count < expected, let batch = try await consumer.nextBatch() {
                for message in batch { if let id = message.headers.string(EventEnvelope.Header.causationId) { ids.insert(id) } }
            }
            return ids
        }
        await consumer.close()
        return ids.count
    }

    @Test("three processes share 12 partitions; one is SIGKILLed; every effect is applied exactly once")
    func killOneOfThree() async throws {
        let kafka = try TestKafka(label: "kill")
        try await withTestDatabase(logger: kafka.logger) { database in
            let topic = try await kafka.createTopic("fault-input", partitions: 12)
            let output = try await kafka.createTopic("fault-echo", partitions: 12)
            let group = "fault.\(kafka.suffix)"
            let total = 6000
            var workers: [ProcessRunner] = []
            for _ in 0..<3 { workers.append(try await startWorker(kafka: kafka, database: database, topic: topic, output: output, group: group)) }
            let producer = try KafkaProducer(configuration: kafka.producerConfiguration(), logger: kafka.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await producer.run() }
                // First half, then kill a worker once it has applied some, then the rest.
                let first = await producer.send(batch: try CheckInFixtures.messages(topic: topic, run: kafka.suffix, range: 0..<(total / 2)))
                #expect(first.allSatisfy { if case .success = $0 { true } else { false } })
                try await eventually("some events applied") { try await applied(database) >= 500 }
                workers[0].kill()
                #expect(await workers[0].waitForExit() == 128 + 9)
                let second = await producer.send(batch: try CheckInFixtures.messages(topic: topic, run: kafka.suffix, range: (total / 2)..<total))
                #expect(second.allSatisfy { if case .success = $0 { true } else { false } })
                try await eventually("all \(total) events applied", timeout: .seconds(180)) { try await applied(database) >= total }
                group.cancelAll()
            }
            // Exactly once in effect: no event missing, none applied twice.
            #expect(try await applied(database) == total)
            #expect(try await database.scalar("SELECT count(*)::int8 FROM worker_effects") == total)
            #expect(try await database.scalar("SELECT count(DISTINCT event_id)::int8 FROM worker_effects") == total)
            #expect(try await database.scalar("SELECT count(*)::int8 FROM fangyi_inbox") == total)
            // Every effect's outgoing event reached Kafka (at least once; ids dedupe repeats).
            #expect(try await distinctEchoes(kafka: kafka, topic: output, expected: total) == total)
            for worker in workers.dropFirst() {
                worker.terminate()
                #expect(await worker.waitForExit() == 0, "survivor exits cleanly on SIGTERM: \(worker.standardError.suffix(2000))")
            }
        }
    }

    @Test("SIGTERM mid-stream finishes the batch, stores offsets and leaves; a restart resumes with no gap and no repeat")
    func gracefulShutdownAndResume() async throws {
        let kafka = try TestKafka(label: "term")
        try await withTestDatabase(logger: kafka.logger) { database in
            let topic = try await kafka.createTopic("term-input", partitions: 6)
            let output = try await kafka.createTopic("term-echo", partitions: 6)
            let group = "term.\(kafka.suffix)"
            let total = 4000
            let results = try await kafka.withProducer { producer in
                await producer.send(batch: try CheckInFixtures.messages(topic: topic, run: kafka.suffix, range: 0..<total))
            }
            #expect(results.allSatisfy { if case .success = $0 { true } else { false } })

            let first = try await startWorker(kafka: kafka, database: database, topic: topic, output: output, group: group, logLevel: "info")
            try await eventually("some events applied") { try await applied(database) >= 200 }
            first.terminate()
            #expect(await first.waitForExit() == 0, "graceful exit: \(first.standardError.suffix(2000))")
            #expect(first.standardError.contains("left the group"))
            let appliedAtStop = try await applied(database)
            #expect(appliedAtStop < total, "stopped mid-stream")

            let second = try await startWorker(kafka: kafka, database: database, topic: topic, output: output, group: group)
            try await eventually("all \(total) events applied") { try await applied(database) >= total }
            second.terminate()
            #expect(await second.waitForExit() == 0)
            let statsLine = try #require(second.standardOutput.split(separator: "\n").first { $0.hasPrefix("WORKER STATS ") })
            let stats = try JSONDecoder().decode(EventProcessorStatistics.self, from: Data(statsLine.dropFirst("WORKER STATS ".count).utf8))
            #expect(stats.duplicates == 0, "offsets were committed at shutdown, so nothing was delivered again")
            #expect(stats.processed == total - appliedAtStop)
            #expect(try await database.scalar("SELECT count(*)::int8 FROM worker_effects") == total)
            #expect(try await database.scalar("SELECT count(DISTINCT event_id)::int8 FROM worker_effects") == total)
        }
    }
}
