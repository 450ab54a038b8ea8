import AsyncHTTPClient
import FangyiEvents
import FangyiKafka
import FangyiNotifier
import FangyiService
import FangyiTesting
import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import Synchronization

// The notifier's two speed targets, each against a baseline run in the same process, on the same
// PostgreSQL and the same librdkafka mock cluster. The notifier is wired as NotifierMain wires it:
// the database pool from DATABASE_URL / DATABASE_MAX_CONNECTIONS, the policy and templates from
// FANGYI_POLICY_FILE / NOTIFIER_TEMPLATES_FILE (defaults: the bundled ones), a producer with
// linger 2 ms, a running OutboxRelay, an EventProcessor with the real NotifierHandler (batches are
// handed to EventProcessor.replay: Kafka fetch is not timed), Prometheus metrics bootstrapped.
// Subscribers are registered through the real API (POST /v1/subscriptions) for the health
// authority's alerts at 1,000,000 a minute.
//
// Phases, each on a fresh schema and a fresh mock cluster (NOTIFIER_BENCH_PHASES picks them):
//   delivery:   NOTIFIER_BENCH_ALERTS cases opened (one caseReported alert each, plus the areas'
//               risk level changes) with deliveries queued for NOTIFIER_BENCH_SUBSCRIBERS
//               subscribers, then timed: first a plain AsyncHTTPClient (HTTPPoster.makeClient's
//               settings) posting the same bodies with the same headers to the same receiver, one
//               request in flight per subscriber, no database; then the real Deliverer (with a
//               real OutboxRelay publishing notifications.deliveries.v1) from its start until no
//               delivery row is pending. The receiver is a Hummingbird app on 127.0.0.1 in this
//               process answering 204; it checks every (subscriber, alert) arrived once, in order,
//               with the right webhook-id, and verifies the signature and body of a sample.
//   latency:    outbreak batches (a CaseOpened, its NOTIFIER_BENCH_CONTACTS_PER_CASE
//               ContactIdentified, every 25th case a ClusterDetected) of the sizes in
//               NOTIFIER_BENCH_LATENCY, one at a time after an untimed warm-up batch of 50, each
//               timed from being handed to the processor until the last of its alerts was
//               acknowledged by the broker: the relay marks a row published (published_at = now() in
//               PostgreSQL, same host clock) only after the broker acknowledged it. Baseline, right after each batch: the same Alert records,
//               read back from alerts.v1 (and checked against the outbox), sent with
//               KafkaProducer.send(batch:) to the same cluster until acknowledged.
//   throughput: NOTIFIER_BENCH_EVENTS outbreak events in batches of NOTIFIER_BATCH_SIZE through
//               replay (no baseline: an extra line).
// Environment (defaults in brackets): NOTIFIER_BENCH_SUBSCRIBERS [20], NOTIFIER_BENCH_ALERTS [2500],
// NOTIFIER_BENCH_AREAS [12], NOTIFIER_BENCH_CONTACTS_PER_CASE [8], NOTIFIER_BENCH_LATENCY
// [50x100,500x20] (size x batches, comma-separated), NOTIFIER_BENCH_EVENTS [30000],
// NOTIFIER_BATCH_SIZE [500], NOTIFIER_DELIVERY_POLL_INTERVAL [250ms],
// NOTIFIER_BENCH_PHASES [delivery,latency,throughput]. DATABASE_URL picks the server (default the
// private cluster of `make pg-start`); every phase works in a schema of its own and drops it.


// MARK: Settings

/// The sizes of a run, from the environment (see the header).
struct Settings: Sendable {
    static let allPhases = ["delivery", "latency", "throughput"]

    var subscribers = 20
    var alerts = 2_500
    var areas = 12
    var contactsPerCase = 8
    var latency: [(size: Int, batches: Int)] = [(50, 100), (500, 20)]
    var events = 30_000
    var phases = Set(Settings.allPhases)

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        let reader = BenchEnvironment(environment)
        var settings = Settings()
        settings.subscribers = try reader.int("NOTIFIER_BENCH_SUBSCRIBERS", settings.subscribers, 1...1_000)
        settings.alerts = try reader.int("NOTIFIER_BENCH_ALERTS", settings.alerts, 1...1_000_000)
        settings.areas = try reader.int("NOTIFIER_BENCH_AREAS", settings.areas, 1...99)
        settings.contactsPerCase = try reader.int("NOTIFIER_BENCH_CONTACTS_PER_CASE", settings.contactsPerCase, 0...100)
        settings.events = try reader.int("NOTIFIER_BENCH_EVENTS", settings.events, 1...10_000_000)
        settings.latency = try reader.batchPlan("NOTIFIER_BENCH_LATENCY", settings.latency)
        if let text = environment["NOTIFIER_BENCH_PHASES"], !text.isEmpty {
            let phases = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if let bad = phases.first(where: { !allPhases.contains($0) }) {
                throw BenchFailure(code: "bench.invalid_setting",
                                   message: "NOTIFIER_BENCH_PHASES: \(bad) is not one of \(allPhases.joined(separator: ", "))")
            }
            settings.phases = Set(phases)
        }
        return settings
    }
}

if CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h") {
    say("fangyi-notifier-bench: webhook fan-out against a plain HTTP client, and event-to-alerts.v1 latency against a plain produce; sizes from the environment:")
    say("  NOTIFIER_BENCH_SUBSCRIBERS NOTIFIER_BENCH_ALERTS NOTIFIER_BENCH_AREAS NOTIFIER_BENCH_CONTACTS_PER_CASE")
    say("  NOTIFIER_BENCH_LATENCY (e.g. 50x100,500x20) NOTIFIER_BENCH_EVENTS NOTIFIER_BENCH_PHASES (e.g. delivery,latency)")
    say("  and the service's own: DATABASE_URL DATABASE_MAX_CONNECTIONS NOTIFIER_BATCH_SIZE NOTIFIER_DELIVERY_POLL_INTERVAL FANGYI_POLICY_FILE")
    exit(0)
}
let settings: Settings
let configuration: NotifierConfiguration
let policy: NotifierPolicy
let templates: AlertTemplates
do {
    settings = try Settings.fromEnvironment()
    configuration = try NotifierConfiguration.fromEnvironment()
    policy = try NotifierPolicy.load(path: configuration.service.policyFile)
    templates = try AlertTemplates.load(path: configuration.templatesFile)
} catch {
    FileHandle.standardError.write(Data("fangyi-notifier-bench: \(error)\n".utf8))
    exit(64)  // EX_USAGE
}

_ = MetricsSystemBootstrap.bootstrap()
let now = Date()
let clock = ContinuousClock()
let logger: Logger = {
    var logger = Logger(label: "fangyi.notifier-bench")
    logger.logLevel = .warning
    return logger
}()
/// For the HTTP servers the benchmark runs (the receiver, the API while subscribing).
let quietLogger: Logger = {
    var logger = Logger(label: "fangyi.notifier-bench.http")
    logger.logLevel = .critical
    return logger
}()

/// The topic the latency baseline sends to (the same partitions as alerts.v1).
let baselineTopic = "bench.alerts.baseline"
/// Every subscriber's rate: the most the API allows, so the token bucket never waits.
let subscriberRate = 1_000_000

// MARK: The notifier

/// One phase's notifier, built as NotifierMain builds it (see the header).
struct Notifier: Sendable {
    let database: Database
    let processor: EventProcessor
    let relay: OutboxRelay
    let producer: KafkaProducer
    let kafka: KafkaConfiguration
    let settings: NotifierSettings

    /// Outbox rows the relay has not published yet.
    func unpublished() async throws -> Int {
        try await database.scalar("SELECT count(*)::int8 FROM fangyi_outbox WHERE published_at IS NULL")
    }
}

/// Runs `body` with a notifier on a fresh schema and a fresh mock cluster (with the notifier's
/// topics and the baseline's); stops the relay and drops the schema afterwards.
func withNotifier<R: Sendable>(_ body: (Notifier) async throws -> R) async throws -> R {
    let schema = "notifier_bench_" + String(format: "%08x", UInt32.random(in: .min ... .max))
    let database = try Database(configuration: configuration.service.database, schema: schema, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        // The pool runs first (leasing before its run() has started only logs a warning).
        group.addTask { try await database.run() }
        defer { group.cancelAll() }
        let cluster = try MockCluster(brokers: 1, logger: logger)
        for topic in [TopicCatalog.alerts, TopicCatalog.notificationDeliveries] {
            try cluster.createTopic(topic.name, partitions: topic.partitions)
        }
        try cluster.createTopic(baselineTopic, partitions: TopicCatalog.alerts.partitions)
        let kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, clientID: "fangyi-notifier-bench", statisticsInterval: nil)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka, linger: .milliseconds(2)), logger: logger)
        group.addTask { try await producer.run() }
        let relay = OutboxRelay(database: database, producer: producer, logger: logger)
        let notifierSettings = NotifierSettings(policy: policy, templates: templates, personGateway: false, logger: logger)
        let processor = EventProcessor(
            configuration: EventProcessorConfiguration(
                groupID: NotifierHandler.group, topics: NotifierHandler.topics, maxBatchSize: configuration.maxBatchSize,
                inboxExemptTopics: NotifierHandler.inboxExemptTopics),
            consumer: KafkaConsumerConfiguration(kafka: kafka, groupID: NotifierHandler.group), producer: producer,
            database: database, relay: relay, handler: NotifierHandler(settings: notifierSettings), logger: logger)
        try await Migrator.migrate(EventProcessor.migrations + NotifierMigrations.all, database: database, logger: logger)
        let relayTask = Task { try await relay.run() }
        let result: Result<R, any Error>
        do {
            result = .success(try await body(Notifier(database: database, processor: processor, relay: relay, producer: producer,
                                                      kafka: kafka, settings: notifierSettings)))
        } catch {
            result = .failure(error)
        }
        relayTask.cancel()
        _ = await relayTask.result
        do {
            try await database.withConnection { connection in
                _ = try await connection.query("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE", logger: logger)
            }
        } catch {
            say("  (could not drop schema \(schema): \(error))")
        }
        // The producer flushes and stops while the cluster it talks to is still there.
        group.cancelAll()
        try? await group.waitForAll()
        withExtendedLifetime(cluster) {}
        return try result.get()
    }
}

/// Runs `body` with a Hummingbird app serving `router` on 127.0.0.1 (a free port, passed to
/// `body`); stops the app afterwards.
func serving<R: Sendable>(_ router: Router<BasicRequestContext>, name: String, _ body: (Int) async throws -> R) async throws -> R {
    let (ports, port) = AsyncStream<Int>.makeStream()
    let app = ServiceHTTP.makeApplication(router: router, host: "127.0.0.1", port: 0, serverName: name, logger: quietLogger,
                                          onServerRunning: { port.yield($0 ?? 0) })
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { port.finish() }
            try await app.run()
        }
        defer { group.cancelAll() }
        var bound = 0
        for await value in ports {
            bound = value
            break
        }
        guard bound > 0 else { throw BenchFailure(code: "bench.no_server", message: "\(name) did not start listening") }
        return try await body(bound)
    }
}

/// Runs `body` with an HTTP client made as the notifier makes its own, and shuts it down.
func withClient<R: Sendable>(_ body: (HTTPClient) async throws -> R) async throws -> R {
    let client = HTTPPoster.makeClient()
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// A registered subscriber: its id and signing secret.
struct Subscription: Sendable {
    let id: String
    let secret: String
}

/// Registers `count` subscribers for the health authority's alerts at `subscriberRate` a minute through the
/// notifier's API (served for the occasion), the `i`-th with webhook `url/i`.
func subscribe(_ count: Int, url: String, database: Database) async throws -> [Subscription] {
    struct Created: Decodable {
        struct View: Decodable {
            let subscriptionId: String
            let ratePerMinute: Int
        }
        let subscription: View
        let secret: String
    }
    let token = "notifier-bench-operator"
    let router = ServiceHTTP.makeRouter(context: BasicRequestContext.self)
    NotifierAPI(database: database, tokens: OperatorTokens(digests: [OperatorTokens.digest(of: token)]), deliverer: nil,
                streams: AlertStreams(heartbeat: .seconds(15)), policy: policy, allowInsecureWebhooks: true, logger: logger).register(on: router)
    return try await serving(router, name: "notifier-api") { port in
        try await withClient { client in
            var list: [Subscription] = []
            for index in 0..<count {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/subscriptions")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: """
                    {"name":"bench \(index)","url":"\(url)/\(index)","audiences":["healthAuthority"],"ratePerMinute":\(subscriberRate)}
                    """))
                let response = try await client.execute(request, timeout: .seconds(10))
                let body = try await response.body.collect(upTo: 1 << 20)
                guard response.status == .created,
                      let created = try? JSONDecoder().decode(Created.self, from: Data(Array(buffer: body))),
                      created.subscription.ratePerMinute == subscriberRate else {
                    throw BenchFailure(code: "bench.subscribe_failed",
                                       message: "POST /v1/subscriptions answered \(response.status.code): \(String(buffer: body).prefix(300))")
                }
                list.append(Subscription(id: created.subscription.subscriptionId, secret: created.secret))
            }
            return list
        }
    }
}

// MARK: Inputs

func batches<T>(_ items: [T], of size: Int) -> [ArraySlice<T>] {
    stride(from: 0, to: items.count, by: size).map { items[$0..<min($0 + size, items.count)] }
}

/// A subject reference shaped like intake's (`sr_` and 43 characters).
func ref(_ run: String, _ n: Int) -> String {
    let digits = "\(run)\(n)"
    return "sr_" + String(repeating: "A", count: max(0, 43 - digits.count)) + digits
}

/// Consumed records of an outbreak and what they must lead to.
struct Outbreak: Sendable {
    var messages: [KafkaMessage] = []
    var cases = 0
    var clusters = 0
    var contacts = 0
    var closeContacts = 0
}

/// `count` events of an outbreak of the last hour, in order: per case a CaseOpened, then its
/// `contactsPerCase` ContactIdentified (two in three close, the rest secondary: each gets a
/// quarantine order and a grid task), and after every 25th case a ClusterDetected of the last
/// three. Areas are skewed (the first has `areas` times the cases of the last).
func outbreak(_ count: Int, run: String, areas: Int, contactsPerCase: Int, seed: UInt64) throws -> Outbreak {
    var random = SplitMix64(seed: seed)
    let weights = (0..<areas).map { areas - $0 }
    let total = weights.reduce(0, +)
    var result = Outbreak()
    var recent: [String] = []
    func append<E: KeyedEvent>(_ event: E) throws {
        let index = result.messages.count
        result.messages.append(try EventRecord.consumed(event, id: EventID.derive(["notifier-bench", run, String(index)]), time: now,
                                                        offset: Int64(index), source: "fangyi/bench"))
    }
    var n = 0
    while result.messages.count < count {
        var pick = random.below(total)
        var area = 0
        while pick >= weights[area] { pick -= weights[area]; area += 1 }
        let code = String(format: "3715%02d", area + 1)
        let opened = now.addingTimeInterval(-Double(random.below(3600)))
        let caseId = "case-\(run)-\(n)"
        try append(CaseOpened(caseId: caseId, subjectRef: ref(run, n * 1000), classification: .confirmed, severity: .mild, areaCode: code,
                              infectiousFrom: opened.addingTimeInterval(-2 * 86_400), positiveResultId: "result-\(run)-\(n)",
                              openedAt: opened, ageYears: 40))
        result.cases += 1
        recent = Array((recent + [caseId]).suffix(3))
        for c in 0..<contactsPerCase where result.messages.count < count {
            let tier: ContactTier = c % 3 == 2 ? .secondary : .close
            let exposed = opened.addingTimeInterval(-3600)
            try append(ContactIdentified(
                contactId: "contact-\(run)-\(n)-\(c)", subjectRef: ref(run, n * 1000 + c + 1), tier: tier, sourceCaseId: caseId, via: .venue,
                venueId: "venue-\(run)-\(n / 5)", areaCode: code, exposureFrom: exposed.addingTimeInterval(-3600), exposureUntil: exposed,
                lastExposureAt: exposed, followUpDeadline: now.addingTimeInterval(12 * 3600), identifiedAt: opened.addingTimeInterval(60)))
            result.contacts += 1
            if tier == .close { result.closeContacts += 1 }
        }
        if n % 25 == 24, result.messages.count < count {
            try append(ClusterDetected(clusterId: "cluster-\(run)-\(n)", areaCode: code, caseIds: recent, via: .venue,
                                       venueId: "venue-\(run)-\(n / 5)", detectedAt: opened.addingTimeInterval(120)))
            result.clusters += 1
        }
        n += 1
    }
    return result
}

// MARK: The webhook receiver

/// The receiver's books, per subscriber (the index in the webhook URL): each request's
/// `fangyi-alert-seq` and `webhook-id` in arrival order, and every `sampleEvery`-th request whole.
/// Concurrency: `Sendable`; the books are behind a mutex.
final class Receiver: Sendable {
    struct Sample: Sendable {
        let subscriber: Int
        let id: String
        let timestamp: String
        let signature: String
        let seq: Int64
        let body: [UInt8]
    }

    struct Books: Sendable {
        var seqs: [[Int64]] = []
        var ids: [[String]] = []
        var samples: [Sample] = []
        var received = 0
        /// Requests for no subscriber of this round.
        var stray = 0
    }

    static let sampleEvery = 100
    private let books = Mutex(Books())

    /// Starts a new round for `subscribers` subscribers.
    func reset(subscribers: Int) {
        books.withLock { $0 = Books(seqs: Array(repeating: [], count: subscribers), ids: Array(repeating: [], count: subscribers)) }
    }

    var received: Int { books.withLock { $0.received } }
    var snapshot: Books { books.withLock { $0 } }

    /// `POST /hook/{subscriber}`: note the request, answer 204.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/hook/:subscriber") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            self.record(context.parameters.get("subscriber", as: Int.self) ?? -1, request.headers, body)
            return Response(status: .noContent)
        }
        return router
    }

    private func record(_ subscriber: Int, _ headers: HTTPFields, _ body: ByteBuffer) {
        var id = "", timestamp = "", signature = "", seq: Int64 = -1
        for field in headers {
            switch field.name.canonicalName {
            case WebhookSignature.idHeader: id = field.value
            case WebhookSignature.timestampHeader: timestamp = field.value
            case WebhookSignature.signatureHeader: signature = field.value
            case "fangyi-alert-seq": seq = Int64(field.value) ?? -1
            default: break
            }
        }
        let sampled = books.withLock { books -> Bool in
            guard books.seqs.indices.contains(subscriber) else {
                books.stray += 1
                return false
            }
            books.received += 1
            books.seqs[subscriber].append(seq)
            books.ids[subscriber].append(id)
            return books.seqs[subscriber].count % Self.sampleEvery == 1
        }
        guard sampled else { return }
        let sample = Sample(subscriber: subscriber, id: id, timestamp: timestamp, signature: signature, seq: seq, body: Array(buffer: body))
        books.withLock { $0.samples.append(sample) }
    }
}

/// One subscriber's queue as the database has it: alert numbers and delivery ids in alert order.
struct Queue: Sendable {
    var seqs: [Int64] = []
    var ids: [String] = []
}

/// Fails the run unless the receiver got, for every subscriber, exactly its queue (each
/// delivery once, in alert order, with its delivery id as `webhook-id`) and nothing else, and
/// every sampled request's signature verifies and its body is the stored alert.
func checkReceived(_ who: String, _ books: Receiver.Books, queues: [Queue], subscriptions: [Subscription],
                   payloads: [Int64: String]) throws {
    var missing = 0, repeated = 0, disordered = 0, wrongIds = 0
    for (index, queue) in queues.enumerated() {
        let seqs = books.seqs[index]
        missing += Set(queue.seqs).subtracting(seqs).count
        repeated += seqs.count - Set(seqs).count
        disordered += zip(seqs, seqs.dropFirst()).filter { $0 >= $1 }.count
        if seqs == queue.seqs, books.ids[index] != queue.ids { wrongIds += zip(books.ids[index], queue.ids).filter { $0 != $1 }.count }
    }
    var badSignatures = 0, badBodies = 0
    for sample in books.samples {
        let subscription = subscriptions[sample.subscriber]
        if !WebhookSignature.verify(id: sample.id, timestamp: sample.timestamp, signatures: sample.signature, body: sample.body,
                                    secret: subscription.secret) {
            badSignatures += 1
        }
        if payloads[sample.seq].map({ Array($0.utf8) }) != sample.body { badBodies += 1 }
    }
    let expected = queues.reduce(0) { $0 + $1.seqs.count }
    let good = books.received == expected && missing == 0 && repeated == 0 && disordered == 0 && wrongIds == 0 && books.stray == 0
        && badSignatures == 0 && badBodies == 0 && !books.samples.isEmpty
    say("  check \(who): \(books.received) of \(expected) received, \(missing) missing, \(repeated) repeated, \(disordered) out of order, "
        + "\(wrongIds) wrong webhook-ids, \(books.stray) stray; \(books.samples.count) sampled: \(badSignatures) bad signatures, "
        + "\(badBodies) bodies differing from the stored alert" + (good ? " — ok" : " — WRONG"))
    guard good else {
        throw BenchFailure(code: "bench.wrong_result", message: "\(who): the receiver did not get every (subscriber, alert) exactly once, in order, signed")
    }
}

// MARK: Outbreak checks

/// Fails the run unless the processor applied every event of `outbreak` once, recorded its
/// facts, issued the alerts it must (caseReported per case, clusterDetected per cluster, a
/// quarantine order and a grid task per contact; grid tasks beyond the digest allowance are
/// stored and published too, only counted as held back for the digest),
/// queued a delivery per health-authority alert and subscriber, and the relay published every
/// outbox row.
func checkOutbreak(_ phase: String, _ notifier: Notifier, _ outbreak: Outbreak, subscribers: Int) async throws {
    let database = notifier.database
    func alerts(_ kind: AlertKind) async throws -> Int {
        try await database.scalar("SELECT count(*)::int8 FROM alerts WHERE kind = \(kind.rawValue)")
    }
    let statistics = notifier.processor.statistics
    let cases = try await database.scalar("SELECT count(*)::int8 FROM cases")
    let clusters = try await database.scalar("SELECT count(*)::int8 FROM clusters")
    let followUps = try await database.scalar("SELECT count(*)::int8 FROM follow_ups")
    let reported = try await alerts(.caseReported)
    let clusterAlerts = try await alerts(.clusterDetected)
    let orders = try await alerts(.quarantineOrder)
    let gridTasks = try await alerts(.contactIdentified)
    let held = try await database.scalar("SELECT COALESCE(sum(held), 0)::int8 FROM digest_windows WHERE kind = 'contactIdentified'")
    let allAlerts = try await database.scalar("SELECT count(*)::int8 FROM alerts")
    let authority = try await database.scalar("SELECT count(*)::int8 FROM alerts WHERE audience = 'healthAuthority'")
    let deliveries = try await database.scalar("SELECT count(*)::int8 FROM deliveries")
    let outbox = try await database.scalar("SELECT count(*)::int8 FROM fangyi_outbox WHERE topic = 'alerts.v1'")
    let others = try await database.scalar("SELECT count(*)::int8 FROM fangyi_outbox WHERE topic <> 'alerts.v1'")
    let unpublished = try await notifier.unpublished()
    let good = statistics.processed == outbreak.messages.count && statistics.deadLettered == 0 && statistics.duplicates == 0
        && cases == outbreak.cases && clusters == outbreak.clusters && followUps == outbreak.closeContacts
        && reported == outbreak.cases && clusterAlerts == outbreak.clusters && orders == outbreak.contacts
        && gridTasks == outbreak.contacts && held <= outbreak.contacts && deliveries == authority * subscribers
        && outbox == allAlerts && others == 0 && unpublished == 0
    say("  check \(phase): \(statistics.processed) events applied (\(statistics.deadLettered) dead-lettered); \(cases) cases, \(clusters) clusters, "
        + "\(followUps) follow-ups; \(allAlerts) alerts (\(reported) caseReported, \(clusterAlerts) clusterDetected, \(orders) quarantineOrder, "
        + "\(gridTasks) grid tasks, \(held) of them held back for digests), \(deliveries) deliveries queued (\(authority) × \(subscribers)); "
        + "\(outbox) on alerts.v1 in the outbox, \(others) other rows, \(unpublished) unpublished" + (good ? " — ok" : " — WRONG"))
    guard good else {
        throw BenchFailure(code: "bench.wrong_result",
                           message: "\(phase): expected \(outbreak.messages.count) events applied once (\(outbreak.cases) cases, \(outbreak.contacts) contacts, \(outbreak.clusters) clusters) and every alert published")
    }
}

// MARK: Results


let targetRate = 5_000.0
let targetP99 = 0.500
say("fangyi-notifier-bench: phases \(Settings.allPhases.filter(settings.phases.contains).joined(separator: ", ")); "
    + "\(settings.subscribers) subscribers × \(settings.alerts) cases; latency batches \(settings.latency.map { "\($0.size)×\($0.batches)" }.joined(separator: ", ")); "
    + "\(settings.events) events in batches of \(configuration.maxBatchSize); \(settings.contactsPerCase) contacts per case, \(settings.areas) areas; "
    + "database pool \(configuration.service.database.maximumConnections) connections; \(ProcessInfo.processInfo.activeProcessorCount) cores shared with PostgreSQL")

// MARK: Delivery

/// The delivery phase (see the header); returns its table row.
func deliveryPhase() async throws -> BenchRow {
    try await withNotifier { notifier in
        let database = notifier.database
        let receiver = Receiver()
        return try await serving(receiver.router(), name: "bench-receiver") { port in
            let subscriptions = try await subscribe(settings.subscribers, url: "http://127.0.0.1:\(port)/hook", database: database)
            // The alerts, issued as the handler issues them, and published before anything is timed.
            var random = SplitMix64(seed: 2_500)
            let cases = try (0..<settings.alerts).map { n in
                let opened = now.addingTimeInterval(-Double(random.below(3600)))
                let event = CaseOpened(caseId: "case-d-\(n)", subjectRef: ref("d", n), classification: .confirmed, severity: .mild,
                                       areaCode: String(format: "3715%02d", n % settings.areas + 1), infectiousFrom: opened.addingTimeInterval(-2 * 86_400),
                                       positiveResultId: "result-d-\(n)", openedAt: opened, ageYears: 40)
                return try EventRecord.consumed(event, id: EventID.derive(["notifier-bench", "d", String(n)]), time: now, offset: Int64(n),
                                                source: "fangyi/bench")
            }
            try await notifier.processor.replay(batches(cases, of: configuration.maxBatchSize).map { Array($0) })
            try await eventually("the alerts published", timeout: .seconds(120), interval: .milliseconds(20)) {
                try await notifier.unpublished() == 0
            }

            // What each subscriber must receive, and the bodies.
            var payloads: [Int64: String] = [:]
            try await database.withConnection { connection in
                for try await (seq, payload) in try await connection.query("SELECT seq, payload FROM alerts", logger: logger)
                    .decode((Int64, String).self) {
                    payloads[seq] = payload
                }
            }
            let index = Dictionary(uniqueKeysWithValues: subscriptions.enumerated().map { ($1.id, $0) })
            var queues = Array(repeating: Queue(), count: subscriptions.count)
            try await database.withConnection { connection in
                let rows = try await connection.query(
                    "SELECT subscriber_id, alert_seq, delivery_id FROM deliveries WHERE state = 'pending' ORDER BY subscriber_id, alert_seq",
                    logger: logger)
                for try await (subscriber, seq, id) in rows.decode((String, Int64, String).self) {
                    guard let i = index[subscriber] else { continue }
                    queues[i].seqs.append(seq)
                    queues[i].ids.append(id)
                }
            }
            let total = queues.reduce(0) { $0 + $1.seqs.count }
            let authority = try await database.scalar("SELECT count(*)::int8 FROM alerts WHERE audience = 'healthAuthority'")
            let queued = try await database.scalar("SELECT count(*)::int8 FROM deliveries")
            guard authority > 0, queued == total, queues.allSatisfy({ $0.seqs.count == authority }) else {
                throw BenchFailure(code: "bench.wrong_setup",
                                   message: "expected \(authority) pending deliveries for each of \(subscriptions.count) subscribers, found \(queues.map(\.seqs.count)) (\(queued) rows)")
            }
            let bodyBytes = payloads.values.reduce(0) { $0 + $1.utf8.count } / max(1, payloads.count)
            say("delivery: \(payloads.count) alerts (\(settings.alerts) caseReported + \(payloads.count - settings.alerts) risk level changes), "
                + "\(authority) for the health authority × \(subscriptions.count) subscribers = \(total) deliveries; bodies \(bodyBytes) bytes on average; "
                + "receiver: Hummingbird on 127.0.0.1:\(port) in this process, answering 204")

            // Baseline: the same requests (headers signed beforehand), one in flight per subscriber, no database.
            let timeout = policy.webhookTimeout.components
            let requestTimeout = TimeAmount.nanoseconds(timeout.seconds * 1_000_000_000 + timeout.attoseconds / 1_000_000_000)
            let plans: [[HTTPClientRequest]] = subscriptions.enumerated().map { i, subscription in
                let key = WebhookSignature.key(ofSecret: subscription.secret)
                let stamp = Int64(Date().timeIntervalSince1970)
                return zip(queues[i].seqs, queues[i].ids).map { seq, id in
                    let body = Array((payloads[seq] ?? "").utf8)
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/hook/\(i)")
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.headers.add(name: "User-Agent", value: "fangyi-notifier")
                    request.headers.add(name: WebhookSignature.idHeader, value: id)
                    request.headers.add(name: WebhookSignature.timestampHeader, value: String(stamp))
                    request.headers.add(name: WebhookSignature.signatureHeader,
                                        value: key.map { WebhookSignature.sign(id: id, timestamp: stamp, body: body, key: $0) } ?? "")
                    request.headers.add(name: "fangyi-alert-seq", value: String(seq))
                    request.body = .bytes(ByteBuffer(bytes: body))
                    return request
                }
            }
            receiver.reset(subscribers: subscriptions.count)
            let baselineTime = try await withClient { client in
                let start = clock.now
                let failures = await withTaskGroup(of: Int.self) { group in
                    for plan in plans {
                        group.addTask {
                            var failures = 0
                            for request in plan {
                                do {
                                    let response = try await client.execute(request, timeout: requestTimeout)
                                    _ = try? await response.body.collect(upTo: 64 * 1024)
                                    if !(200..<300).contains(response.status.code) { failures += 1 }
                                } catch {
                                    failures += 1
                                }
                            }
                            return failures
                        }
                    }
                    return await group.reduce(0, +)
                }
                let time = seconds(clock.now - start)
                guard failures == 0 else { throw BenchFailure(code: "bench.baseline_failed", message: "\(failures) baseline requests failed") }
                return time
            }
            try checkReceived("baseline", receiver.snapshot, queues: queues, subscriptions: subscriptions, payloads: payloads)

            // The notifier: a Deliverer with a real relay, timed from its start until no delivery is pending.
            receiver.reset(subscribers: subscriptions.count)
            let (time, drained) = try await withClient { client in
                let deliverer = Deliverer(database: database, relay: notifier.relay, settings: notifier.settings, poster: HTTPPoster(client: client),
                                          gatewayURL: nil, gatewayToken: nil, sealer: nil, pollInterval: configuration.deliveryPollInterval)
                let start = clock.now
                let task = Task { try await deliverer.run() }
                defer { task.cancel() }
                let limit = Duration.seconds(max(120, total / 500))
                try await eventually("every delivery received", timeout: limit, interval: .milliseconds(5)) { receiver.received >= total }
                let received = clock.now
                try await eventually("every delivery recorded", timeout: limit, interval: .milliseconds(2)) {
                    try await database.scalar("SELECT count(*)::int8 FROM deliveries WHERE state = 'pending'") == 0
                }
                let end = clock.now
                task.cancel()
                _ = await task.result
                return (seconds(end - start), seconds(end - received))
            }
            try checkReceived("deliverer", receiver.snapshot, queues: queues, subscriptions: subscriptions, payloads: payloads)
            try await eventually("the delivery records published", timeout: .seconds(120), interval: .milliseconds(20)) {
                try await notifier.unpublished() == 0
            }
            let delivered = try await database.scalar("SELECT count(*)::int8 FROM deliveries WHERE state = 'delivered' AND attempts = 1")
            let published = try await database.scalar("SELECT count(*)::int8 FROM fangyi_outbox WHERE topic = 'notifications.deliveries.v1'")
            let active = try await database.scalar("SELECT count(*)::int8 FROM subscribers WHERE status = 'active' AND consecutive_failures = 0")
            let booksGood = delivered == total && published == total && active == subscriptions.count
            say("  check deliverer books: \(delivered) of \(total) delivered at the first attempt, \(published) NotificationDelivery events published, "
                + "\(active) of \(subscriptions.count) subscribers active" + (booksGood ? " — ok" : " — WRONG"))
            guard booksGood else {
                throw BenchFailure(code: "bench.wrong_result", message: "delivery: not every delivery recorded as delivered and published once")
            }
            let rate = Double(total) / time, baselineRate = Double(total) / baselineTime
            say("delivery: \(total) deliveries in \(String(format: "%.2f", time)) s = \(perSecond(rate)) (the last answers recorded "
                + "\(ms(drained)) after the receiver had everything); baseline \(String(format: "%.2f", baselineTime)) s = \(perSecond(baselineRate)); "
                + String(format: "notifier at %.0f%% of the baseline's rate", 100 * rate / baselineRate))
            return BenchRow(measure: "webhook deliveries, \(subscriptions.count) subscribers", result: perSecond(rate), baseline: perSecond(baselineRate),
                       ratio: time / baselineTime, target: "≥ \(Int(targetRate))/s", met: rate >= targetRate)
        }
    }
}

// MARK: Latency

/// The latency phase (see the header); returns its table rows.
func latencyPhase() async throws -> [BenchRow] {
    try await withNotifier { notifier in
        let database = notifier.database
        let subscriptions = try await subscribe(settings.subscribers, url: "http://127.0.0.1:9/unused", database: database)
        // A first batch of 50, not timed, pays the clients' first-use costs (topic metadata, the
        // idempotent producer's id, statement caches) for the notifier and the baseline alike.
        let plan = [(size: 50, batches: 1)] + settings.latency
        let total = plan.reduce(0) { $0 + $1.size * $1.batches }
        let events = try outbreak(total, run: "l", areas: settings.areas, contactsPerCase: settings.contactsPerCase, seed: 500)
        say("latency: \(total) events, one batch at a time (the first, of 50, untimed), each timed until its last alert was acknowledged "
            + "on alerts.v1 (\(subscriptions.count) subscribers registered: deliveries are queued, no deliverer runs)")
        // Each batch's alerts are read back from alerts.v1 once published (the mock cluster keeps
        // only the newest ~5 MB of a partition), checked against the outbox, and sent at once by
        // the baseline: notifier and baseline alternate, so both see the same cluster state.
        var readback = notifier.kafka
        readback.properties["fetch.wait.max.ms"] = "10"  // not timed; a broker-side wait of 500 ms per batch would only slow the run
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(kafka: readback, groupID: "notifier-bench-readback"),
            topics: [TopicCatalog.alerts.name], logger: logger)
        var lastId: Int64 = 0
        var rounds: [(size: Int, latencies: [Double], commits: [Double], baseline: [Double], alerts: Int)] = []
        var offset = 0
        var readBack = 0
        for (index, (size, count)) in plan.enumerated() {
            var latencies: [Double] = [], commits: [Double] = [], baseline: [Double] = [], alerts = 0
            for _ in 0..<count {
                let chunk = Array(events.messages[offset..<offset + size])
                offset += size
                let handed = Date()
                let start = clock.now
                try await notifier.processor.replay([chunk])
                commits.append(seconds(clock.now - start))
                try await eventually("a batch's alerts published", timeout: .seconds(60), interval: .milliseconds(1)) {
                    try await notifier.unpublished() == 0
                }
                let seen = clock.now
                var published: Date?
                var ids: [String] = []
                var maxId = lastId
                try await database.withConnection { connection in
                    let rows = try await connection.query(
                        "SELECT id, event_id, published_at FROM fangyi_outbox WHERE id > \(lastId) ORDER BY id", logger: logger)
                    for try await (id, eventId, at) in rows.decode((Int64, String, Date?).self) {
                        maxId = id
                        ids.append(eventId)
                        if let at { published = max(published ?? at, at) }
                    }
                }
                guard !ids.isEmpty, let published else {
                    throw BenchFailure(code: "bench.wrong_result", message: "latency: a batch of \(size) published no alert")
                }
                let latency = published.timeIntervalSince(handed)
                // PostgreSQL's now() and Date() read the same host clock; a publication before the
                // batch was handed over, or after it was seen, means they do not.
                guard latency > 0, latency <= seconds(seen - start) + 0.005 else {
                    throw BenchFailure(code: "bench.clock", message: "latency: published_at \(published) is outside the batch's time (\(latency) s)")
                }
                latencies.append(latency)
                alerts += ids.count
                lastId = maxId

                let expected = ids.count
                let records = try await consumer.read(maxMessages: 1000, within: .seconds(60)) { $0.count >= expected }
                readBack += records.count
                var byId: [String: KafkaMessage] = [:]
                for record in records { byId[record.headers.string(EventEnvelope.Header.id) ?? ""] = record }
                guard records.count == expected, byId.count == expected, ids.allSatisfy({ byId[$0] != nil }) else {
                    throw BenchFailure(code: "bench.wrong_result",
                                       message: "latency: alerts.v1 gave \(records.count) records (\(byId.count) distinct) for a batch's \(expected) outbox rows")
                }
                let messages = ids.compactMap { byId[$0] }.map {
                    KafkaProducerMessage(topic: baselineTopic, key: $0.key, value: $0.value, headers: $0.headers)
                }
                let baselineStart = clock.now
                let results = await notifier.producer.send(batch: messages)
                baseline.append(seconds(clock.now - baselineStart))
                let failures = results.filter { if case .failure = $0 { true } else { false } }.count
                guard failures == 0 else { throw BenchFailure(code: "bench.baseline_failed", message: "\(failures) baseline sends failed") }
            }
            if index > 0 { rounds.append((size, latencies, commits, baseline, alerts)) }
        }
        await consumer.close()
        try await checkOutbreak("latency", notifier, events, subscribers: subscriptions.count)
        say("  check alerts.v1: \(readBack) records read back, each batch's alerts exactly once — ok")
        var rows: [BenchRow] = []
        for round in rounds {
            let baseline = round.baseline
            let (p50, p99) = (percentile(round.latencies, 0.5), percentile(round.latencies, 0.99))
            let (b50, b99) = (percentile(baseline, 0.5), percentile(baseline, 0.99))
            say("latency, batches of \(round.size) (\(round.latencies.count) batches, \(round.alerts / max(1, round.latencies.count)) alerts each on average): "
                + "p50 \(ms(p50)), p99 \(ms(p99)), max \(ms(round.latencies.max() ?? 0)); of which committed (replay returned) "
                + "p50 \(ms(percentile(round.commits, 0.5))), p99 \(ms(percentile(round.commits, 0.99))); "
                + "baseline (plain produce of the same records) p50 \(ms(b50)), p99 \(ms(b99)), max \(ms(baseline.max() ?? 0))")
            rows.append(BenchRow(measure: "event → alerts.v1 p50, batches of \(round.size)", result: ms(p50), baseline: ms(b50),
                            ratio: p50 / max(b50, 1e-9), target: "", met: nil))
            rows.append(BenchRow(measure: "event → alerts.v1 p99, batches of \(round.size)", result: ms(p99), baseline: ms(b99),
                            ratio: p99 / max(b99, 1e-9), target: "< \(Int(targetP99 * 1000)) ms", met: p99 < targetP99))
        }
        return rows
    }
}

// MARK: Throughput

/// The throughput phase (see the header); returns its table row.
func throughputPhase() async throws -> BenchRow {
    try await withNotifier { notifier in
        let subscriptions = try await subscribe(settings.subscribers, url: "http://127.0.0.1:9/unused", database: notifier.database)
        let events = try outbreak(settings.events, run: "t", areas: settings.areas, contactsPerCase: settings.contactsPerCase, seed: 50_000)
        let start = clock.now
        try await notifier.processor.replay(batches(events.messages, of: configuration.maxBatchSize).map { Array($0) })
        let time = seconds(clock.now - start)
        try await eventually("the relay caught up", timeout: .seconds(300), interval: .milliseconds(10)) { try await notifier.unpublished() == 0 }
        let caughtUp = seconds(clock.now - start)
        let rate = Double(events.messages.count) / time
        say("throughput: \(events.messages.count) events (\(events.cases) cases, \(events.contacts) contacts, \(events.clusters) clusters) "
            + "in batches of \(configuration.maxBatchSize) in \(String(format: "%.2f", time)) s = \(perSecond(rate)); "
            + "the relay had published every alert \(String(format: "%.2f", caughtUp)) s after the start")
        try await checkOutbreak("throughput", notifier, events, subscribers: subscriptions.count)
        return BenchRow(measure: "handler throughput, batches of \(configuration.maxBatchSize)", result: perSecond(rate), baseline: "",
                   ratio: .nan, target: "", met: nil)
    }
}

// MARK: Run

var table: [BenchRow] = []
if settings.phases.contains("delivery") { table.append(try await deliveryPhase()) }
if settings.phases.contains("latency") { table += try await latencyPhase() }
if settings.phases.contains("throughput") { table.append(try await throughputPhase()) }
printBenchTable(table, service: "notifier")
