import AsyncHTTPClient
import FangyiEvents
@testable import FangyiNotifier
import FangyiService
import FangyiTesting
import Foundation
import Testing

@Suite("Webhook and person-message delivery against a real local receiver", .serialized)
struct DeliveryTests {
    let area = "371502"

    static var fastRetries: NotifierPolicy {
        var policy = NotifierPolicy.default
        policy.retryBaseDelay = .milliseconds(20)
        policy.retryMaxDelay = .milliseconds(100)
        policy.maxDeliveryAttempts = 4
        return policy
    }

    /// Runs a deliverer for the harness's schema while `body` runs.
    static func delivering(_ harness: NotifierHarness, gateway: URL? = nil, sealer: ContactSealer? = nil,
                           _ body: @Sendable (Deliverer) async throws -> Void) async throws {
        let client = HTTPPoster.makeClient()
        let deliverer = Deliverer(database: harness.database, relay: nil, settings: harness.settings, poster: HTTPPoster(client: client),
                                  gatewayURL: gateway, gatewayToken: "gateway-token", sealer: sealer, pollInterval: .milliseconds(20))
        let task = Task { try await deliverer.run() }
        do {
            try await body(deliverer)
        } catch {
            task.cancel()
            _ = await task.result
            try await client.shutdown()
            throw error
        }
        task.cancel()
        _ = await task.result
        try await client.shutdown()
    }

    func states(_ harness: NotifierHarness) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for state in ["pending", "delivered", "dead"] {
            counts[state] = try await harness.database.scalar("SELECT count(*)::int8 FROM deliveries WHERE state = \(state)")
        }
        return counts
    }

    @Test("signatures verify, and a receiver failing then recovering gets every alert exactly once, in order")
    func failingThenRecovering() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        // The first 3 requests fail (503, then 500, then 429): the head is retried with backoff, later ones wait.
        receiver.answer { $0 < 3 ? [.serviceUnavailable, .internalServerError, .tooManyRequests][$0] : .noContent }
        try await NotifierHarness.run(policy: Self.fastRetries) { harness in
            let subscription = try await harness.subscribe(url: receiver.url, filter: AlertFilter(audiences: [.healthAuthority]))
            try await harness.apply((1...40).map { Facts.caseOpened($0, area: area, at: NotifierHarness.start.addingTimeInterval(Double($0))) })
            let expected = try await harness.alerts().filter { $0.audience == .healthAuthority }
            try await Self.delivering(harness) { _ in
                // Answers are recorded a chunk at a time while the next are sent: wait for the records too.
                try await eventually("every alert delivered and recorded") {
                    guard receiver.received.count >= expected.count else { return false }
                    return try await states(harness) == ["pending": 0, "delivered": expected.count, "dead": 0]
                }
            }
            let received = receiver.received
            #expect(received.count == expected.count)
            #expect(received.compactMap(\.alert?.alertId) == expected.map(\.alertId), "same alerts, same order")
            #expect(received.map(\.seq) == received.map(\.seq).sorted())
            #expect(Set(received.map(\.id)).count == received.count)
            for request in received {
                #expect(WebhookSignature.verify(id: request.id, timestamp: request.timestamp, signatures: request.signature,
                                                body: request.body, secret: subscription.secret))
            }
            #expect(try await states(harness) == ["pending": 0, "delivered": expected.count, "dead": 0])
            // Every attempt is on notifications.deliveries.v1: 3 failures and one success per alert.
            #expect(try await harness.database.scalar(
                "SELECT count(*)::int8 FROM fangyi_outbox WHERE topic = 'notifications.deliveries.v1'") == expected.count + 3)
        }
    }

    @Test("a receiver that never recovers: the delivery is dead-lettered, the subscriber paused; resumed, it gets everything in order")
    func neverRecovers() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        receiver.answer { _ in .badGateway }
        try await NotifierHarness.run(policy: Self.fastRetries) { harness in
            let subscription = try await harness.subscribe(url: receiver.url, filter: AlertFilter(audiences: [.healthAuthority]))
            try await harness.apply((1...5).map { Facts.caseOpened($0, area: area, at: NotifierHarness.start.addingTimeInterval(Double($0))) })
            try await Self.delivering(harness) { deliverer in
                try await eventually("the subscriber paused") {
                    try await harness.database.scalar("SELECT count(*)::int8 FROM subscribers WHERE status = 'paused'") == 1
                }
                #expect(receiver.attempts == Self.fastRetries.maxDeliveryAttempts)
                #expect(try await states(harness)["dead"] == 1)
                // Paused: nothing more is attempted.
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.attempts == Self.fastRetries.maxDeliveryAttempts)
                // The receiver is fixed; the operator resumes and asks for the dead-lettered one again.
                receiver.answer { _ in .ok }
                try await harness.database.withTransaction { connection in
                    let store = NotifierStore(connection: connection, logger: harness.logger)
                    _ = try await store.setStatus(subscription.id, to: "active", reason: nil)
                    try await store.redeliverDeadLettered(subscription.id)
                }
                deliverer.notify()
                try await eventually("all delivered after resume") { receiver.received.count == 6 }
            }
            let expected = try await harness.alerts().filter { $0.audience == .healthAuthority }.map(\.alertId)
            #expect(receiver.received.compactMap(\.alert?.alertId) == expected)
            // Each attempt's record has its own event id, across the redelivery too.
            #expect(try await harness.database.scalar("""
                SELECT count(*)::int8 - count(DISTINCT event_id)::int8 FROM fangyi_outbox WHERE topic = 'notifications.deliveries.v1'
                """) == 0)
            let reason = try await harness.database.withConnection { connection in
                try await NotifierStore(connection: connection, logger: harness.logger).subscriptions(id: subscription.id).first
            }
            #expect(reason?.status == "active")
        }
    }

    @Test("orders reach the person through the gateway with the opened contact; nothing else carries it")
    func personMessages() async throws {
        let gateway = try await WebhookReceiver.start()
        defer { gateway.stop() }
        let sealer = try ContactSealer(keys: [ContactKey(id: "k1", bytes: Array(repeating: 7, count: 32))])
        try await NotifierHarness.run(policy: Self.fastRetries, personGateway: true) { harness in
            let t = NotifierHarness.start
            let blob = try sealer.seal(ContactDetails(name: "Zhang San", phone: "+8613800000001", preferredLanguage: "en"), for: Facts.ref(1))
            let result = LabResultRecorded(
                resultId: "r-1", labId: "lab-1", specimenId: "sp-1", version: 1, status: .final, subjectRef: Facts.ref(1), sealedContact: blob,
                areaCode: area, testKind: .pcr, specimenType: .oropharyngealSwab, targets: [], interpretation: .negative,
                isScreeningOnly: false, collectedAt: t, reportedAt: t)
            try await harness.apply([result])
            try await harness.apply([Facts.contact(1, area: area, at: t, deadline: Date().addingTimeInterval(3600))])
            try await Self.delivering(harness, gateway: URL(string: gateway.url), sealer: sealer) { _ in
                try await eventually("the order sent") { gateway.received.count == 1 }
            }
            let message = try #require(try JSONSerialization.jsonObject(with: Data(gateway.received[0].body)) as? [String: Any])
            #expect(message["to"] as? String == "+8613800000001")
            #expect(message["kind"] as? String == "quarantineOrder")
            #expect(message["language"] as? String == "en")
            #expect((message["text"] as? String)?.contains("quarantine") == true)
            // Kafka (the outbox) and the alerts table never hold the phone or the name.
            #expect(try await harness.database.scalar(
                "SELECT count(*)::int8 FROM fangyi_outbox WHERE convert_from(message_value, 'UTF8') LIKE '%13800000001%' OR convert_from(message_value, 'UTF8') LIKE '%Zhang%'") == 0)
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM alerts WHERE payload LIKE '%13800000001%'") == 0)
        }
    }

    @Test("an order to a person with no contact on file is retried, then dead-lettered when its deadline passes")
    func personWithoutContact() async throws {
        let gateway = try await WebhookReceiver.start()
        defer { gateway.stop() }
        let sealer = try ContactSealer(keys: [ContactKey(id: "k1", bytes: Array(repeating: 7, count: 32))])
        var policy = Self.fastRetries
        policy.maxDeliveryAttempts = 100
        try await NotifierHarness.run(policy: policy, personGateway: true) { harness in
            try await harness.apply([Facts.contact(1, area: area, at: NotifierHarness.start, deadline: Date().addingTimeInterval(0.3))])
            try await Self.delivering(harness, gateway: URL(string: gateway.url), sealer: sealer) { _ in
                try await eventually("dead-lettered") { try await states(harness)["dead"] == 1 }
            }
            #expect(gateway.attempts == 0)
            #expect(try await harness.database.scalar(
                "SELECT count(*)::int8 FROM deliveries WHERE last_error LIKE 'no contact details%'") == 1)
        }
    }
}
