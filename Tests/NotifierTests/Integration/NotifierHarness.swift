import AsyncHTTPClient
import FangyiEvents
import FangyiKafka
@testable import FangyiNotifier
@testable import FangyiService
import FangyiTesting
import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A notifier in-process on a fresh schema: the real event processor (inbox, handler, outbox)
/// fed consumed records directly (`apply`), the real schedule, and a clock the test moves.
/// The outbox is read back to see what would be published on `alerts.v1`.
struct NotifierHarness: Sendable {
    let database: Database
    let processor: EventProcessor
    let schedule: NotifierSchedule
    let settings: NotifierSettings
    let clock: ManualClock
    let logger: Logger

    /// 2022-03-10 12:00 in Shanghai, in the past so event time drives the rules.
    static let start = Date(timeIntervalSince1970: 1_646_884_800)

    static func run(policy: NotifierPolicy = .default, personGateway: Bool = false,
                    _ body: @Sendable (NotifierHarness) async throws -> Void) async throws {
        var logger = Logger(label: "fangyi.notifier.test")
        logger.logLevel = .warning
        let cluster = try MockCluster(brokers: 1, logger: logger)
        let kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, clientID: "notifier-test", statisticsInterval: nil)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: logger)
        try await withTestDatabase(logger: logger) { database in
            try await Migrator.migrate(EventProcessor.migrations + NotifierMigrations.all, database: database, logger: logger)
            // A day after the facts' times: they are in the past, as consumed facts are.
            let clock = ManualClock(start.addingTimeInterval(86_400))
            let settings = NotifierSettings(policy: policy, templates: try AlertTemplates.bundled(), personGateway: personGateway, logger: logger)
            let processor = EventProcessor(
                configuration: EventProcessorConfiguration(groupID: "notifier", topics: NotifierHandler.topics,
                                                           inboxExemptTopics: NotifierHandler.inboxExemptTopics),
                consumer: KafkaConsumerConfiguration(kafka: kafka, groupID: "notifier"), producer: producer,
                database: database, relay: nil, handler: NotifierHandler(settings: settings, clock: { clock.now }), logger: logger)
            let schedule = NotifierSchedule(database: database, relay: nil, settings: settings, interval: .seconds(60))
            try await body(NotifierHarness(database: database, processor: processor, schedule: schedule, settings: settings,
                                           clock: clock, logger: logger))
        }
    }

    /// Applies events as one consumed batch (ids unique per call site and clock).
    func apply(_ events: [any KeyedEvent], label: String = #function, line: Int = #line) async throws {
        try await processor.apply(events, idParts: ["notifier-test", label, String(line), "\(clock.now)"], time: clock.now)
    }

    /// Every alert written to the outbox, oldest first.
    func alerts() async throws -> [Alert] {
        try await database.outboxEvents(Alert.self)
    }

    /// The recorded level of an area (low when none is recorded).
    func level(_ area: String) async throws -> RiskLevel {
        try await database.withConnection { try await NotifierStore(connection: $0, logger: logger).levels(area: area) }.first?.level ?? .low
    }

    /// Registers a subscription directly (the API test covers the endpoint); returns its id and secret.
    func subscribe(url: String, filter: AlertFilter, ratePerMinute: Int = 1_000_000) async throws -> (id: String, secret: String) {
        let id = "sub_\(UUID().uuidString.prefix(8).lowercased())"
        let secret = WebhookSignature.newSecret()
        try await database.withConnection {
            try await NotifierStore(connection: $0, logger: logger).createSubscriber(id: id, name: "test", url: url, secret: secret,
                                                                                     filter: filter, ratePerMinute: ratePerMinute)
        }
        return (id, secret)
    }
}

/// Builders for the facts the notifier consumes.
enum Facts {
    static func ref(_ n: Int) -> String {
        let digits = String(n)
        return "sr_" + String(repeating: "A", count: 43 - digits.count) + digits
    }

    static func caseOpened(_ n: Int, area: String, at: Date, classification: CaseClassification = .confirmed) -> CaseOpened {
        CaseOpened(caseId: "case-\(n)", subjectRef: ref(n), classification: classification, severity: .mild, areaCode: area,
                   infectiousFrom: at.addingTimeInterval(-2 * 86_400), infectiousUntil: nil, positiveResultId: "res-\(n)", openedAt: at,
                   ageYears: 40)
    }

    static func contact(_ n: Int, area: String, at: Date, tier: ContactTier = .close, deadline: Date? = nil) -> ContactIdentified {
        ContactIdentified(contactId: "contact-\(n)", subjectRef: ref(n), tier: tier, sourceCaseId: "case-0", via: .venue, venueId: "venue-1",
                          areaCode: area, exposureFrom: at.addingTimeInterval(-3600), exposureUntil: at, lastExposureAt: at,
                          followUpDeadline: deadline ?? at.addingTimeInterval(12 * 3600), identifiedAt: at)
    }

    static func cluster(_ id: String, area: String, at: Date) -> ClusterDetected {
        ClusterDetected(clusterId: id, areaCode: area, caseIds: ["case-a", "case-b", "case-c"], via: .venue, venueId: "venue-1", detectedAt: at)
    }

    static func assigned(_ n: Int, at: Date, facility: String = "qs-1") -> ResourceAssigned {
        ResourceAssigned(assignmentId: "asg-\(n)", subjectRef: ref(n), purpose: .quarantine, facilityId: facility, facilityKind: .quarantineSite,
                         unitId: "\(facility)-\(n)", unitType: .quarantineSingleRoom, ventilator: false, assignedAt: at, expectedEnd: nil,
                         policyVersion: "p", reason: "close contact")
    }
}

/// A webhook receiver on loopback: records every request (headers and body) and answers as
/// the test says (by default 204).
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let id: String
        let timestamp: String
        let signature: String
        let seq: Int64
        let body: [UInt8]
        var alert: Alert? { try? EventJSON.decode(Alert.self, from: body) }
    }

    private let state = Mutex<(received: [Received], attempts: Int, answer: @Sendable (Int) -> HTTPResponse.Status)>(([], 0, { _ in .noContent }))
    private let task = Mutex<Task<Void, any Error>?>(nil)
    /// How long each answer takes (a slow receiver).
    let delay = Mutex<Duration?>(nil)
    let port: Int

    private init(port: Int) { self.port = port }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var received: [Received] { state.withLock { $0.received } }
    /// Requests answered so far, whatever the answer.
    var attempts: Int { state.withLock { $0.attempts } }

    /// How to answer the `n`-th request (0-based).
    func answer(_ rule: @escaping @Sendable (Int) -> HTTPResponse.Status) {
        state.withLock { $0.answer = rule }
    }

    static func start() async throws -> WebhookReceiver {
        let router = Router()
        let holder = Mutex<WebhookReceiver?>(nil)
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            guard let receiver = holder.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            if let delay = receiver.delay.withLock({ $0 }) { try await Task.sleep(for: delay) }
            return Response(status: receiver.record(request, body: Array(buffer: body)))
        }
        let port = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "fangyi.test.receiver")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { port.continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.run() }
        var bound = 0
        for await value in port.stream { bound = value; break }
        let receiver = WebhookReceiver(port: bound)
        holder.withLock { $0 = receiver }
        receiver.task.withLock { $0 = task }
        return receiver
    }

    private func record(_ request: Request, body: [UInt8]) -> HTTPResponse.Status {
        state.withLock { state in
            let status = state.answer(state.attempts)
            state.attempts += 1
            if (200..<300).contains(status.code) {
                state.received.append(Received(
                    id: request.headers[.init("webhook-id")!] ?? "", timestamp: request.headers[.init("webhook-timestamp")!] ?? "",
                    signature: request.headers[.init("webhook-signature")!] ?? "",
                    seq: Int64(request.headers[.init("fangyi-alert-seq")!] ?? "") ?? -1, body: body))
            }
            return status
        }
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }
}
