import FangyiEvents
import FangyiKafka
import FangyiService
import FangyiTesting
@testable import FangyiTracing
import Foundation
import Logging
import PostgresNIO
import Testing

/// Two `fangyi-tracing` processes share the consumer group; one is SIGKILLed in the
/// middle of each phase of the scripted outbreak and restarted. The outcome must be the
/// single-worker outcome (``Outbreak/final``): nothing lost, nothing doubled.
///
/// The processes consume the catalog topics, so the test needs a cluster of its own:
/// it runs on the mock cluster, not on a shared external broker.
@Suite("Tracing workers as processes: SIGKILL mid-stream", .serialized)
struct WorkerProcessTests {
    static let onMockCluster = (ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] ?? "").isEmpty

    /// Unrelated traffic mixed into each phase, so a kill lands while the workers are busy.
    static let noiseCheckIns = 20_000
    static let noiseResultsPerPhase = 8_000

    private func startWorker(kafka: TestKafka, database: Database) async throws -> ProcessRunner {
        let worker = try await ProcessRunner.start(
            executableURL: try ProcessRunner.executableURL(named: "fangyi-tracing"),
            environment: [
                "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrapServers,
                "DATABASE_URL": ProcessInfo.processInfo.environment[TestDatabase.urlVariable] ?? TestDatabase.fallbackURL,
                "TRACING_SCHEMA": database.schema, "HTTP_PORT": "0", "KAFKA_STATISTICS_INTERVAL_MS": "0",
                "KAFKA_SESSION_TIMEOUT_MS": "6000", "TRACING_BATCH_SIZE": "250", "LOG_LEVEL": "info",
            ])
        try await worker.waitForLine(containing: "tracing worker started", on: .standardError, timeout: .seconds(60))
        return worker
    }

    private func noiseCheckIns(_ outbreak: Outbreak) -> [CheckIn] {
        (0..<Self.noiseCheckIns).map { index in
            // 2,000 venues with ten visitors each, far from every outbreak venue.
            outbreak.checkIn("n\(index)", "noise-\(index % 2000)", .restaurant, 20 + Double(index % 48))
        }
    }

    private func noiseResults(_ outbreak: Outbreak, phase: Int) -> [LabResultRecorded] {
        (0..<Self.noiseResultsPerPhase).map { index in
            outbreak.result("n\(index)", .negative, collected: 80 + Double(phase), reported: 86 + Double(phase), ct: nil)
        }
    }

    /// Sends the records, SIGKILLs `victim` once `progress` reaches a tenth of `target`,
    /// restarts it, and waits until `progress` reaches `target`. Returns the restarted worker.
    private func sendKillingMidStream(
        _ records: [KafkaProducerMessage], kafka: TestKafka, database: Database, victim: ProcessRunner,
        target: Int, progress: @escaping @Sendable () async throws -> Int
    ) async throws -> ProcessRunner {
        let failures = try await kafka.withProducer { producer in
            await producer.send(batch: records).filter { if case .failure = $0 { true } else { false } }.count
        }
        #expect(failures == 0)
        try await eventually("a tenth applied", timeout: .seconds(120)) { try await progress() >= target / 10 }
        victim.kill()
        #expect(await victim.waitForExit() == 128 + 9)
        let restarted = try await startWorker(kafka: kafka, database: database)
        try await eventually("all \(target) applied", timeout: .seconds(300)) { try await progress() >= target }
        return restarted
    }

    @Test("the final contact set equals the single-worker result", .enabled(if: onMockCluster, "the workers consume catalog topics"))
    func killAndRestart() async throws {
        let kafka = try TestKafka(label: "tracing-kill")
        let mock = try #require(kafka.mock)
        // Exactly the topics provisioning creates: the worker's inputs, outputs and its
        // group's dead-letter topic must all be among them.
        for topic in TopicCatalog.provisionedTopics { try mock.createTopic(topic.name, partitions: 4) }
        let provisioned = Set(TopicCatalog.provisionedTopics.map(\.name))
        #expect(provisioned.isSuperset(of: TracingHandler.topics))
        #expect(provisioned.contains(Topic.deadLetterTopic(forGroup: TracingMain.group).name))
        let outbreak = Outbreak()

        try await withTestDatabase(logger: kafka.logger) { database in
            var workers = [try await startWorker(kafka: kafka, database: database)]
            workers.append(try await startWorker(kafka: kafka, database: database))
            defer { workers.forEach { $0.kill() } }
            let inbox: @Sendable () async throws -> Int = { try await database.scalar("SELECT count(*)::int8 FROM fangyi_inbox") }

            // Phase 0: movement data, the first worker killed while storing check-ins.
            let checkIns = outbreak.checkIns + noiseCheckIns(outbreak)
            let phase0 = try Outbreak.records(checkIns, topics: [:], run: "p0") + Outbreak.records(outbreak.relations, topics: [:], run: "p0")
            workers[0] = try await sendKillingMidStream(phase0, kafka: kafka, database: database, victim: workers[0], target: checkIns.count) {
                try await database.scalar("SELECT count(*)::int8 FROM checkins")
            }
            try await eventually("relations stored") { try await inbox() >= outbreak.relations.count }

            // Phase 1: the index case and the positive pool among a round of negatives.
            var expected = outbreak.relations.count
            let phase1 = try Outbreak.records([outbreak.indexPositive] + noiseResults(outbreak, phase: 1), topics: [:], run: "p1")
                + Outbreak.records([outbreak.pool], topics: [:], run: "p1")
            expected += phase1.count
            workers[1] = try await sendKillingMidStream(phase1, kafka: kafka, database: database, victim: workers[1], target: expected, progress: inbox)
            #expect(try await TracingHarness.activeContacts(database) == Outbreak.afterIndexCase)

            // Phase 2: the second generation, the first worker killed again.
            let phase2 = try Outbreak.records(noiseResults(outbreak, phase: 2) + outbreak.secondGeneration, topics: [:], run: "p2")
            expected += phase2.count
            workers[0] = try await sendKillingMidStream(phase2, kafka: kafka, database: database, victim: workers[0], target: expected, progress: inbox)

            #expect(try await TracingHarness.activeContacts(database) == Outbreak.final)
            #expect(try await database.scalar("SELECT count(*)::int8 FROM checkins") == checkIns.count, "no check-in lost or stored twice")
            #expect(try await database.scalar("SELECT count(*)::int8 FROM fangyi_inbox") == expected)
            #expect(try await database.scalar("SELECT count(*)::int8 FROM cases") == 4)
            let contactRows = try await database.scalar("SELECT count(*)::int8 FROM contacts")
            #expect(try await database.scalar("SELECT count(DISTINCT subject_ref)::int8 FROM contacts") == contactRows,
                    "one contact per person, upgraded in place")
            let events = try await TracingHarness.published(database)
            #expect(Set(events.map(\.id)).count == events.count, "every event published once")
            #expect(Set(try events.of(CaseOpened.self).map(\.subjectRef)) == ["sr-A", "sr-B", "sr-E", "sr-K"])
            #expect(try events.of(CaseLinked.self).count == 3)
            #expect(try events.of(ClusterDetected.self).count == 3)
            #expect(Set(try events.of(RetestOrdered.self).map(\.subjectRef)) == ["sr-X1", "sr-X2"])
            #expect(try await database.scalar("SELECT count(*)::int8 FROM fangyi_outbox WHERE event_id = ''") == 0, "nothing dead-lettered")

            for worker in workers {
                worker.terminate()
                #expect(await worker.waitForExit() == 0, "clean exit on SIGTERM: \(worker.standardError.suffix(2000))")
            }
            let logs = workers.map { $0.standardError + $0.standardOutput }.joined()
            #expect(!logs.contains("sr-A") && !logs.contains("sr-n1"), "no subject refs in the logs")
        }
    }
}
