@testable import FangyiAllocator
import FangyiEvents
import FangyiKafka
@testable import FangyiService
import FangyiTesting
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Testing

/// Two `fangyi-allocator` processes share the consumer group and race for 1,000 quarantine
/// rooms with 10,000 close contacts; one is SIGKILLed while rooms are still being handed out
/// and restarted. The books
/// must come out as one instance would keep them: every room taken once, every other person
/// waiting once, every request decided once.
///
/// The processes consume the catalog topics, so the test needs a cluster of its own:
/// it runs on the mock cluster, not on a shared external broker.
@Suite("Allocator instances as processes: a surge, SIGKILL mid-stream", .serialized)
struct AllocatorProcessTests {
    static let onMockCluster = (ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] ?? "").isEmpty

    static let contacts = 10_000
    static let roomsPerSite = 250
    /// Two sites in each of two adjacent areas.
    static let sites = [("QS-A1", "A"), ("QS-A2", "A"), ("QS-B1", "B"), ("QS-B2", "B")]
    static var rooms: Int { roomsPerSite * sites.count }

    static let seed = Inventory(
        areas: [AreaSpec(code: "A", adjacent: ["B"]), AreaSpec(code: "B", adjacent: ["A"])],
        facilities: sites.map { id, area in
            FacilitySpec(id: id, name: "Site \(id)", kind: .quarantineSite, areaCode: area, units: [.quarantineSingleRoom: roomsPerSite])
        })

    /// The contacts' subject refs; the prefix is searched for in the logs.
    static let refPrefix = "sr-surge-"
    static let refs = (0..<contacts).map { "\(refPrefix)\(String(format: "%05d", $0))" }

    private func startAllocator(kafka: TestKafka, database: Database, seedFile: URL) async throws -> ProcessRunner {
        let allocator = try await ProcessRunner.start(
            executableURL: try ProcessRunner.executableURL(named: "fangyi-allocator"),
            environment: [
                "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrapServers,
                "DATABASE_URL": ProcessInfo.processInfo.environment[TestDatabase.urlVariable] ?? TestDatabase.fallbackURL,
                "ALLOCATOR_SCHEMA": database.schema, "ALLOCATOR_SEED_FILE": seedFile.path, "HTTP_PORT": "0",
                "KAFKA_STATISTICS_INTERVAL_MS": "0", "KAFKA_SESSION_TIMEOUT_MS": "6000", "ALLOCATOR_BATCH_SIZE": "250",
                "LOG_LEVEL": "info", "ALLOCATOR_SCHEDULE_INTERVAL": "1h",
            ])
        try await allocator.waitForLine(containing: "allocator started", on: .standardError, timeout: .seconds(60))
        return allocator
    }

    /// One `ContactIdentified` per person, half living in each area, exposed a day ago so that
    /// no quarantine ends (and no room frees) during the test.
    private func surge() throws -> [KafkaProducerMessage] {
        let exposed = Date().addingTimeInterval(-86_400)
        return try Self.refs.enumerated().map { index, ref in
            let contact = Inputs.closeContact(ref, area: index.isMultiple(of: 2) ? "A" : "B", exposedAt: exposed)
            return try EventRecord.message(contact, topic: ContactIdentified.topic.name,
                                           id: EventID.derive(["allocator-process", ref]), time: Date())
        }
    }

    /// Outbox rows (dead letters excluded) by `ce_type`, and whether any event id was written twice.
    private func outbox(_ database: Database, logger: Logger) async throws -> (types: [String: Int], rows: Int, distinctIDs: Int) {
        try await database.withConnection { connection in
            let rows = try await connection.query("SELECT event_id, headers FROM fangyi_outbox WHERE event_id <> ''", logger: logger)
            var types: [String: Int] = [:]
            var ids = Set<String>()
            var count = 0
            for try await (id, headers) in rows.decode((String, ByteBuffer).self) {
                count += 1
                ids.insert(id)
                let type = (HeaderCodec.decode(headers) ?? []).first { $0.key == EventEnvelope.Header.type }?.value
                types[type.map { String(decoding: $0, as: UTF8.self) } ?? "?", default: 0] += 1
            }
            return (types, count, ids.count)
        }
    }

    @Test("10,000 contacts for 1,000 rooms: 1,000 assigned, 9,000 waitlisted, nothing double-booked, lost or decided twice",
          .enabled(if: onMockCluster, "the allocators consume catalog topics"))
    func surgeWithKill() async throws {
        let kafka = try TestKafka(label: "allocator-kill")
        let mock = try #require(kafka.mock)
        // Exactly the topics provisioning creates: the allocator's inputs, outputs and its
        // group's dead-letter topic must all be among them.
        for topic in TopicCatalog.provisionedTopics { try mock.createTopic(topic.name, partitions: 4) }
        let provisioned = Set(TopicCatalog.provisionedTopics.map(\.name))
        #expect(provisioned.isSuperset(of: AllocatorHandler.topics))
        #expect(provisioned.contains(Topic.deadLetterTopic(forGroup: AllocatorMain.group).name))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("allocator-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let seedFile = directory.appendingPathComponent("seed.json")
        try JSONEncoder().encode(Self.seed).write(to: seedFile)

        try await withTestDatabase(logger: kafka.logger) { database in
            // One at a time: the first migrates and seeds; the second finds the seed in place.
            var allocators = [try await startAllocator(kafka: kafka, database: database, seedFile: seedFile)]
            allocators.append(try await startAllocator(kafka: kafka, database: database, seedFile: seedFile))
            defer { allocators.forEach { $0.kill() } }
            #expect(try await database.scalar("SELECT count(*)::int8 FROM units") == Self.rooms)
            let decided: @Sendable () async throws -> Int = {
                try await database.scalar("SELECT count(*)::int8 FROM fangyi_inbox WHERE consumer_group = \(AllocatorMain.group)")
            }

            let records = try surge()
            let failures = try await kafka.withProducer { producer in
                await producer.send(batch: records).filter { if case .failure = $0 { true } else { false } }.count
            }
            #expect(failures == 0)

            // Killed while rooms are still being handed out: its open transaction holds locked
            // rooms that the other instance must neither take nor lose.
            try await eventually("half the rooms' worth decided", timeout: .seconds(120), interval: .milliseconds(20)) {
                try await decided() >= Self.rooms / 2
            }
            let decidedAtKill = try await decided()
            let killed = allocators[0]
            killed.kill()
            #expect(await killed.waitForExit() == 128 + 9)
            #expect(decidedAtKill < Self.contacts, "the kill landed mid-stream (\(decidedAtKill) decided)")
            allocators[0] = try await startAllocator(kafka: kafka, database: database, seedFile: seedFile)
            try await eventually("all \(Self.contacts) decided", timeout: .seconds(300)) { try await decided() >= Self.contacts }

            // The restart's seed load left the inventory alone.
            #expect(try await database.scalar("SELECT count(*)::int8 FROM facilities") == Self.sites.count)
            #expect(try await database.scalar("SELECT count(*)::int8 FROM units") == Self.rooms)

            // Every request decided once.
            #expect(try await decided() == Self.contacts)
            #expect(try await database.scalar("""
                SELECT count(DISTINCT event_id)::int8 FROM fangyi_inbox WHERE consumer_group = \(AllocatorMain.group)
                """) == Self.contacts)
            #expect(try await database.scalar("SELECT count(*)::int8 FROM persons") == Self.contacts)

            // The final state: every room taken, once; everybody else waiting, once.
            #expect(try await database.scalar("SELECT count(*)::int8 FROM assignments WHERE released_at IS NULL") == Self.rooms)
            #expect(try await database.scalar("SELECT count(*)::int8 FROM assignments WHERE released_at IS NOT NULL") == 0,
                    "nothing released: no quarantine ended, nobody was transferred")
            #expect(try await database.scalar("SELECT count(*)::int8 FROM waitlist") == Self.contacts - Self.rooms)
            #expect(try await database.scalar("SELECT count(*)::int8 FROM units WHERE occupant IS NOT NULL") == Self.rooms)
            let audit = try await AllocatorAudit.check(database)
            #expect(audit.isClean, "no unit double-booked, no occupant disagreeing with the assignments: \(audit)")
            let notExactlyOnce = try await database.scalar("""
                SELECT count(*)::int8 FROM unnest(\(Self.refs)::text[]) AS r(ref)
                WHERE (SELECT count(*) FROM assignments a WHERE a.subject_ref = r.ref AND a.released_at IS NULL)
                    + (SELECT count(*) FROM waitlist w WHERE w.subject_ref = r.ref) <> 1
                """)
            #expect(notExactlyOnce == 0, "every person holds exactly one room or has exactly one waitlist place")

            // The decision history: one 'assigned' per room, one 'waitlisted' per waitlist
            // place; a person waitlisted while the killed instance held the last rooms and
            // served when they came free has both.
            let servedFromWaitlist = try await database.scalar("""
                SELECT count(*)::int8 FROM assignments a WHERE a.released_at IS NULL
                AND EXISTS (SELECT 1 FROM decisions d WHERE d.subject_ref = a.subject_ref AND d.decision = 'waitlisted')
                """)
            #expect(try await database.scalar("SELECT count(*)::int8 FROM decisions WHERE decision = 'assigned'") == Self.rooms)
            #expect(try await database.scalar("SELECT count(*)::int8 FROM decisions WHERE decision = 'waitlisted'")
                    == Self.contacts - Self.rooms + servedFromWaitlist)
            #expect(try await database.scalar("SELECT count(*)::int8 FROM decisions WHERE decision NOT IN ('assigned', 'waitlisted')") == 0)
            #expect(try await database.scalar("""
                SELECT count(*)::int8 FROM assignments a WHERE a.released_at IS NULL AND (SELECT count(*) FROM decisions d
                    WHERE d.decision = 'assigned' AND d.assignment_id = a.assignment_id AND d.unit_id = a.unit_id) <> 1
                """) == 0, "each assignment recorded once, with its unit")
            #expect(try await database.scalar("""
                SELECT count(*)::int8 FROM waitlist w WHERE (SELECT count(*) FROM decisions d
                    WHERE d.decision = 'waitlisted' AND d.assignment_id = w.assignment_id) <> 1
                """) == 0, "each waitlist place recorded once")

            // The events: one ResourceAssigned per room, one AssignmentWaitlisted per person
            // ever waitlisted, no event written twice, nothing dead-lettered, all relayed.
            let (types, rows, distinctIDs) = try await outbox(database, logger: kafka.logger)
            #expect(types[ResourceAssigned.eventType] == Self.rooms)
            #expect(types[AssignmentWaitlisted.eventType] == Self.contacts - Self.rooms + servedFromWaitlist)
            #expect(types[AssignmentReleased.eventType] == nil && types[AssignmentTransferred.eventType] == nil)
            #expect(distinctIDs == rows, "every event written to the outbox once")
            #expect(try await database.scalar("SELECT count(*)::int8 FROM fangyi_outbox WHERE event_id = ''") == 0, "nothing dead-lettered")
            try await eventually("the outbox relayed", timeout: .seconds(120)) {
                try await database.scalar("SELECT count(*)::int8 FROM fangyi_outbox WHERE published_at IS NULL") == 0
            }

            for allocator in allocators {
                allocator.terminate()
                #expect(await allocator.waitForExit() == 0, "clean exit on SIGTERM: \(allocator.standardError.suffix(2000))")
            }
            let logs = ([killed] + allocators).map { $0.standardError + $0.standardOutput }.joined()
            #expect(!logs.contains(Self.refPrefix), "no subject refs in the logs")
        }
    }
}
