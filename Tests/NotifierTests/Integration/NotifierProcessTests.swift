import FangyiEvents
import FangyiKafka
@testable import FangyiNotifier
@testable import FangyiService
import FangyiTesting
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Testing

/// Two `fangyi-notifier` processes share the consumer group; 2,000 new cases become 2,000
/// health-authority alerts for one webhook subscriber. The process that is delivering is
/// SIGKILLed mid-delivery and restarted (the other takes over delivery meanwhile).
/// Every alert must reach the subscriber, in order, under one `webhook-id` each; the only
/// repeats allowed are the unrecorded tail of the killed deliverer (at most two records of answers), sent
/// again with the same `webhook-id` so the receiver drops them.
@Suite("Notifier instances as processes: SIGKILL mid-delivery", .serialized)
struct NotifierProcessTests {
    static let onMockCluster = (ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] ?? "").isEmpty
    static let cases = 2_000
    static let area = "371502"

    private func startNotifier(kafka: TestKafka, database: Database) async throws -> ProcessRunner {
        let notifier = try await ProcessRunner.start(
            executableURL: try ProcessRunner.executableURL(named: "fangyi-notifier"),
            environment: [
                "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrapServers,
                "DATABASE_URL": ProcessInfo.processInfo.environment[TestDatabase.urlVariable] ?? TestDatabase.fallbackURL,
                "NOTIFIER_SCHEMA": database.schema, "HTTP_PORT": "0", "NOTIFIER_ALLOW_INSECURE_WEBHOOKS": "true",
                "KAFKA_STATISTICS_INTERVAL_MS": "0", "KAFKA_SESSION_TIMEOUT_MS": "6000", "NOTIFIER_BATCH_SIZE": "100",
                "LOG_LEVEL": "info", "NOTIFIER_SCHEDULE_INTERVAL": "1h", "NOTIFIER_DELIVERY_POLL_INTERVAL": "50ms",
            ])
        try await notifier.waitForLine(containing: "notifier started", on: .standardError, timeout: .seconds(60))
        return notifier
    }

    @Test("every alert delivered once by webhook-id and in order across a SIGKILL; nothing lost, no event doubled",
          .enabled(if: onMockCluster, "the notifiers consume catalog topics"))
    func killMidDelivery() async throws {
        let kafka = try TestKafka(label: "notifier-kill")
        let mock = try #require(kafka.mock)
        for topic in TopicCatalog.provisionedTopics { try mock.createTopic(topic.name, partitions: 4) }
        let provisioned = Set(TopicCatalog.provisionedTopics.map(\.name))
        #expect(provisioned.isSuperset(of: NotifierHandler.topics))
        #expect(provisioned.contains(Topic.deadLetterTopic(forGroup: NotifierHandler.group).name))
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        receiver.delay.withLock { $0 = .milliseconds(2) }

        try await withTestDatabase(logger: kafka.logger) { database in
            var notifiers = [try await startNotifier(kafka: kafka, database: database)]
            notifiers.append(try await startNotifier(kafka: kafka, database: database))
            defer { notifiers.forEach { $0.kill() } }
            let secret = WebhookSignature.newSecret()
            try await database.withConnection { connection in
                try await NotifierStore(connection: connection, logger: kafka.logger).createSubscriber(
                    id: "sub_cdc", name: "CDC", url: receiver.url, secret: secret,
                    filter: AlertFilter(kinds: [.caseReported], audiences: [.healthAuthority]), ratePerMinute: 1_000_000)
            }
            let start = Date().addingTimeInterval(-3600)
            let records = try (1...Self.cases).map { n in
                try EventRecord.message(Facts.caseOpened(n, area: Self.area, at: start.addingTimeInterval(Double(n))),
                                        topic: CaseOpened.topic.name, id: EventID.derive(["notifier-process", String(n)]), time: Date())
            }
            let failures = try await kafka.withProducer { producer in
                await producer.send(batch: records).filter { if case .failure = $0 { true } else { false } }.count
            }
            #expect(failures == 0)

            try await eventually("a quarter delivered", timeout: .seconds(120), interval: .milliseconds(10)) {
                receiver.received.count >= Self.cases / 4
            }
            // Kill the instance that holds the delivery lock, mid-delivery.
            let index = notifiers.firstIndex { $0.standardError.contains("deliverer active") } ?? 0
            let killed = notifiers[index]
            killed.kill()
            #expect(await killed.waitForExit() == 128 + 9)
            let atKill = receiver.received.count
            #expect(atKill < Self.cases, "the kill landed mid-delivery (\(atKill) received)")
            notifiers[index] = try await startNotifier(kafka: kafka, database: database)

            try await eventually("every delivery recorded", timeout: .seconds(300)) {
                try await database.scalar("SELECT count(*)::int8 FROM deliveries WHERE state = 'delivered'") == Self.cases
            }
            let alerts = try await database.withConnection { connection in
                try await NotifierStore(connection: connection, logger: kafka.logger)
                    .alerts(after: 0, filter: AlertFilter(kinds: [.caseReported], audiences: [.healthAuthority]), limit: 10_000)
            }
            #expect(alerts.count == Self.cases, "one alert per case, none doubled")
            #expect(try await database.scalar("SELECT count(*)::int8 FROM deliveries") == Self.cases)

            // What the receiver saw: each alert under one webhook-id, first arrivals in alert order.
            let received = receiver.received
            var firstSeen: [String: WebhookReceiver.Received] = [:]
            var order: [Int64] = []
            for request in received where firstSeen[request.id] == nil {
                firstSeen[request.id] = request
                order.append(request.seq)
            }
            #expect(firstSeen.count == Self.cases, "every alert delivered")
            #expect(Set(firstSeen.values.compactMap(\.alert?.alertId)) == Set(alerts.compactMap {
                try? EventJSON.decode(Alert.self, from: Array($0.payload.utf8)).alertId
            }))
            #expect(order == order.sorted(), "delivered in alert order")
            let repeats = received.count - firstSeen.count
            #expect(repeats <= 2 * Deliverer.flushEvery, "only the killed deliverer's unrecorded tail is sent again (\(repeats))")
            for request in received {
                #expect(request.body == firstSeen[request.id]?.body, "a repeat carries the same alert")
            }
            let sample = received.prefix(50)
            #expect(sample.allSatisfy { WebhookSignature.verify(id: $0.id, timestamp: $0.timestamp, signatures: $0.signature,
                                                                body: $0.body, secret: secret) })

            // Consumed once; every attempt recorded once; nothing dead-lettered; all relayed.
            #expect(try await database.scalar("""
                SELECT count(DISTINCT event_id)::int8 FROM fangyi_inbox WHERE consumer_group = \(NotifierHandler.group)
                """) == Self.cases)
            #expect(try await database.scalar("""
                SELECT count(*)::int8 - count(DISTINCT event_id)::int8 FROM fangyi_outbox WHERE event_id <> ''
                """) == 0, "no event written twice")
            #expect(try await database.scalar("SELECT count(*)::int8 FROM fangyi_outbox WHERE event_id = ''") == 0, "nothing dead-lettered")
            try await eventually("the outbox relayed", timeout: .seconds(120)) {
                try await database.scalar("SELECT count(*)::int8 FROM fangyi_outbox WHERE published_at IS NULL") == 0
            }

            for notifier in notifiers {
                notifier.terminate()
                #expect(await notifier.waitForExit() == 0, "clean exit on SIGTERM: \(notifier.standardError.suffix(2000))")
            }
            let logs = ([killed] + notifiers).map { $0.standardError + $0.standardOutput }.joined()
            #expect(!logs.contains("sr_AAAA"), "no subject refs in the logs")
        }
    }
}
