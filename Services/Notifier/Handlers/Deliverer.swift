import Crypto
public import FangyiEvents
import FangyiKafka
public import FangyiService
public import Foundation
import Logging
import Metrics
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// Delivers alerts to subscribers' webhooks and orders to persons through the message gateway.
///
/// One instance delivers at a time (a session advisory lock held on a dedicated connection,
/// as the outbox relay does); the others stand by and take over when its connection goes.
/// That keeps each subscriber's deliveries strictly in alert order: per subscriber one
/// request is in flight, the next is sent only after the previous was answered 2xx, and a
/// failure holds the queue until its retry (exponential backoff with jitter) succeeds or the
/// delivery is dead-lettered after ``NotifierPolicy/maxDeliveryAttempts`` and the subscriber
/// is paused. Subscribers are served concurrently, each at most at its rate.
///
/// Every attempt is recorded (deliveries table) and published on `notifications.deliveries.v1`
/// in one transaction per ``flushEvery`` answers, while the next ones are sent (one record in
/// flight). A process killed between a 2xx and its record sends those deliveries (at most
/// twice ``flushEvery``) again after the restart, with the same `webhook-id`: receivers drop
/// repeats by it (Standard Webhooks). Nothing is lost, and nothing is sent twice except that
/// unrecorded tail.
///
/// Person messages are independent of each other (no order), retried until their order's
/// due time has passed (then dead-lettered: the grid workers' task stands); one whose order
/// has no due time gets the webhook budget of attempts.
///
/// Concurrency: `Sendable`; mutable state is behind mutexes.
public final class Deliverer: Service, Sendable {
    let database: Database
    let relay: OutboxRelay?
    let settings: NotifierSettings
    let poster: HTTPPoster
    let gatewayURL: URL?
    let gatewayToken: String?
    let sealer: ContactSealer?
    let pollInterval: Duration
    let wakeup = AsyncWakeup()
    private let stopping = Mutex(false)
    /// Whether this instance holds the delivery lock; checked before every request, so a
    /// deliverer that lost its lock (its connection went) sends nothing more.
    private let leading = Mutex(false)
    private let running = Mutex(Set<String>())
    private let buckets = Mutex([String: TokenBucket]())
    private let latency = Timer(label: "fangyi_notifier_delivery_latency_seconds", preferredDisplayUnit: .seconds)

    /// Answers recorded per transaction (a killed deliverer sends at most twice this again).
    static let flushEvery = 20
    /// Deliveries read per query.
    static let fetchSize = 100
    /// Person messages sent at once.
    static let personConcurrency = 16

    /// Creates the deliverer.
    public init(database: Database, relay: OutboxRelay?, settings: NotifierSettings, poster: HTTPPoster, gatewayURL: URL?,
                gatewayToken: String?, sealer: ContactSealer?, pollInterval: Duration) {
        self.database = database
        self.relay = relay
        self.settings = settings
        self.poster = poster
        self.gatewayURL = gatewayURL
        self.gatewayToken = gatewayToken
        self.sealer = sealer
        self.pollInterval = pollInterval
    }

    /// Tells the deliverer that alerts were committed or a subscriber resumed. Safe from any task.
    public func notify() {
        wakeup.signal()
    }

    private var isStopping: Bool { Task.isCancelled || stopping.withLock { $0 } }
    private var logger: Logger { settings.logger }
    private var policy: NotifierPolicy { settings.policy }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while !self.isStopping {
                do {
                    try await self.database.withConnection { connection in try await self.lead(on: connection) }
                } catch {
                    if self.isStopping { break }
                    self.logger.warning("deliverer interrupted; retrying", metadata: ["error": "\(ProcessingFailure(error).code)"])
                    await self.wakeup.wait(timeout: .seconds(1))
                }
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            self.wakeup.signal()
        }
    }

    private func lead(on connection: PostgresConnection) async throws {
        let lockKey = Migrator.advisoryLockKey(schema: "deliveries:\(database.schema)")
        while !isStopping {
            var acquired = false
            for try await value in try await connection.query("SELECT pg_try_advisory_lock(\(lockKey))", logger: logger).decode(Bool.self) {
                acquired = value
            }
            if acquired { break }
            await wakeup.wait(timeout: .seconds(1))
        }
        guard !isStopping else { return }
        logger.info("deliverer active", metadata: ["db.schema": "\(database.schema)"])
        leading.withLock { $0 = true }
        defer {
            leading.withLock { $0 = false }
            logger.info("deliverer stopped", metadata: ["db.schema": "\(database.schema)"])
        }
        do {
            try await withThrowingDiscardingTaskGroup { group in
                while !isStopping {
                    // The lock lives as long as this connection: check it is still there.
                    try await connection.query("SELECT 1", logger: logger)
                    let now = Date()
                    let busy = Array(running.withLock { $0 })
                    let due = try await database.withConnection {
                        try await NotifierStore(connection: $0, logger: logger).dueSubscribers(now: now, excluding: busy)
                    }
                    for subscriber in due where running.withLock({ $0.insert(subscriber.id).inserted }) {
                        group.addTask {
                            defer { _ = self.running.withLock { $0.remove(subscriber.id) } }
                            await self.drain(subscriber)
                        }
                    }
                    if gatewayURL != nil, running.withLock({ $0.insert(NotifierStore.personGateway).inserted }) {
                        group.addTask {
                            defer { _ = self.running.withLock { $0.remove(NotifierStore.personGateway) } }
                            await self.sendPersonMessages()
                        }
                    }
                    await wakeup.wait(timeout: pollInterval)
                }
            }
        } catch {
            // Stop sending before anything else, then give the lock up so another instance can
            // lead (the connection goes back to the pool without it).
            leading.withLock { $0 = false }
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
            throw error
        }
        _ = try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
    }

    /// Whether requests may be sent now: leading and not stopping.
    private var mayDeliver: Bool { !isStopping && leading.withLock { $0 } }

    // MARK: webhooks

    /// Delivers the subscriber's queue in order until it is empty, blocked by a failure, or stopping.
    private func drain(_ subscriber: DueSubscriber) async {
        guard let key = WebhookSignature.key(ofSecret: subscriber.secret) else {
            logger.error("subscriber secret unusable; skipped", metadata: ["fangyi.subscriber": "\(subscriber.id)"])
            return
        }
        // Pages by alert number (this task is the only one sending to the subscriber); each
        // chunk's answers are recorded while the next chunk is sent, one record in flight.
        var after: Int64 = 0
        var recording: Task<Bool, Never>?
        defer { recording?.cancel() }
        while mayDeliver {
            let batch: [PendingDelivery]
            do {
                let cursor = after
                batch = try await database.withConnection {
                    try await NotifierStore(connection: $0, logger: logger)
                        .pendingDeliveries(subscriber: subscriber.id, after: cursor, limit: Self.fetchSize)
                }
            } catch {
                logger.warning("cannot read deliveries", metadata: ["fangyi.subscriber": "\(subscriber.id)", "error": "\(ProcessingFailure(error).code)"])
                break
            }
            var outcomes: [AttemptOutcome] = []
            var blocked = batch.isEmpty
            for delivery in batch {
                // Only a failed head waits for its retry time; it holds the ones behind it.
                if delivery.nextAttemptAt > Date() { blocked = true; break }
                await take(from: subscriber)
                guard mayDeliver else { blocked = true; break }
                let outcome = await attempt(delivery, to: subscriber, key: key)
                outcomes.append(outcome)
                after = delivery.seq
                if outcome.outcome != .delivered { blocked = true; break }
                if outcomes.count == Self.flushEvery {
                    guard await recording?.value ?? true else { return await backOff() }
                    let chunk = outcomes
                    recording = Task { await self.flush(chunk) }
                    outcomes = []
                }
            }
            guard await recording?.value ?? true else { return await backOff() }
            recording = nil
            guard await flush(outcomes) else { return await backOff() }
            if blocked { break }
        }
        _ = await recording?.value
    }

    /// After answers could not be recorded: they are sent again (same webhook-id), but not at once.
    private func backOff() async {
        try? await Task.sleep(for: .seconds(1))
    }

    private func attempt(_ delivery: PendingDelivery, to subscriber: DueSubscriber, key: SymmetricKey) async -> AttemptOutcome {
        let body = Array(delivery.payload.utf8)
        let timestamp = Int64(Date().timeIntervalSince1970)
        let headers = [
            (WebhookSignature.idHeader, delivery.deliveryId),
            (WebhookSignature.timestampHeader, String(timestamp)),
            (WebhookSignature.signatureHeader, WebhookSignature.sign(id: delivery.deliveryId, timestamp: timestamp, body: body, key: key)),
            ("fangyi-alert-seq", String(delivery.seq)),
        ]
        let answer = await poster.post(subscriber.url, body: body, headers: headers, timeout: policy.webhookTimeout)
        return outcome(of: answer, delivery: delivery, subscriber: subscriber.id, channel: .webhook, giveUp: false)
    }

    /// The outcome of an answer: 2xx delivered; otherwise failed with a retry time, or
    /// dead-lettered when the attempts are used up (or `giveUp`).
    private func outcome(of answer: HTTPPoster.Answer, delivery: PendingDelivery, subscriber: String, channel: DeliveryChannel,
                         giveUp: Bool) -> AttemptOutcome {
        let now = Date()
        var result = AttemptOutcome(delivery: delivery, subscriberId: subscriber, channel: channel, outcome: .delivered, statusCode: nil,
                                    error: nil, nextAttemptAt: now, at: now)
        switch answer {
        case .status(let code) where (200..<300).contains(code):
            result.statusCode = code
            return result
        case .status(let code):
            result.statusCode = code
            result.error = "HTTP \(code)"
        case .failure(let text):
            result.error = text
        }
        let delay = RetryBackoff.delay(afterAttempt: result.attempt, base: policy.retryBaseDelay, cap: policy.retryMaxDelay,
                                       random: Double.random(in: 0...1))
        result.nextAttemptAt = now.addingTimeInterval(delay.seconds)
        // A message to a person is tried until its order's due time; a webhook delivery until
        // its attempts are used up.
        let exhausted = delivery.expiresAt.map { $0 <= result.nextAttemptAt } ?? (result.attempt >= policy.maxDeliveryAttempts)
        result.outcome = giveUp || exhausted ? .deadLettered : .failed
        return result
    }

    /// Records the outcomes and publishes them; false when the database refused (the
    /// deliveries stay pending and are sent again).
    private func flush(_ outcomes: [AttemptOutcome]) async -> Bool {
        guard !outcomes.isEmpty else { return true }
        do {
            let recorded = try await database.withOutboxTransaction(relay: relay, logger: logger) { transaction in
                let recorded = try await NotifierStore(connection: transaction.connection, logger: logger).record(outcomes)
                for outcome in recorded {
                    let event = NotificationDelivery(
                        deliveryId: outcome.delivery.deliveryId, alertId: outcome.delivery.alertId, subscriberId: outcome.subscriberId,
                        channel: outcome.channel, attempt: outcome.attempt, outcome: outcome.outcome, statusCode: outcome.statusCode,
                        error: outcome.error, at: outcome.at)
                    transaction.publish(try OutboundEvent(
                        event, id: EventID.derive(NotificationDelivery.self, from: [
                            outcome.delivery.deliveryId, String(outcome.delivery.redeliveries), String(outcome.attempt)]),
                        source: AlertIssuer.source, time: outcome.at))
                }
                return recorded
            }
            for outcome in recorded {
                settings.metrics.attempted(channel: outcome.channel, outcome: outcome.outcome)
                if outcome.outcome == .deadLettered {
                    logger.warning("delivery dead-lettered", metadata: [
                        "fangyi.subscriber": "\(outcome.subscriberId)", "fangyi.delivery": "\(outcome.delivery.deliveryId)",
                        "fangyi.attempts": "\(outcome.attempt)", "error": "\(outcome.error ?? "")",
                    ])
                }
                if outcome.outcome == .delivered {
                    latency.recordSeconds(max(0, outcome.at.timeIntervalSince(outcome.delivery.issuedAt)))
                }
            }
            return true
        } catch {
            logger.warning("cannot record delivery outcomes; they will be sent again", metadata: ["error": "\(ProcessingFailure(error).code)"])
            return false
        }
    }

    /// Waits until the subscriber's rate allows one more request.
    private func take(from subscriber: DueSubscriber) async {
        while !isStopping {
            let wait = buckets.withLock { buckets -> Duration? in
                var bucket = buckets[subscriber.id] ?? TokenBucket(perMinute: subscriber.ratePerMinute)
                bucket.perMinute = subscriber.ratePerMinute
                let wait = bucket.take(now: ContinuousClock.now)
                buckets[subscriber.id] = bucket
                return wait
            }
            guard let wait else { return }
            try? await Task.sleep(for: wait)
        }
    }

    // MARK: persons

    private func sendPersonMessages() async {
        while mayDeliver {
            let due: [PendingDelivery]
            do {
                due = try await database.withConnection {
                    try await NotifierStore(connection: $0, logger: logger).duePersonMessages(now: Date(), limit: 100)
                }
            } catch {
                logger.warning("cannot read person messages", metadata: ["error": "\(ProcessingFailure(error).code)"])
                return
            }
            guard !due.isEmpty else { return }
            let outcomes = await due.concurrentlyBounded(Self.personConcurrency) { delivery in await self.message(delivery) }
            guard await flush(outcomes) else {
                try? await Task.sleep(for: .seconds(1))
                return
            }
        }
    }

    private func message(_ delivery: PendingDelivery) async -> AttemptOutcome {
        guard let gatewayURL, let alert = try? EventJSON.decode(Alert.self, from: Array(delivery.payload.utf8)) else {
            return outcome(of: .failure("no gateway or unreadable alert"), delivery: delivery, subscriber: NotifierStore.personGateway,
                           channel: .personMessage, giveUp: true)
        }
        switch PersonMessage.make(deliveryId: delivery.deliveryId, alert: alert, blob: delivery.sealedContact, sealer: sealer) {
        case .failure(let error):
            return outcome(of: .failure(error.text), delivery: delivery, subscriber: NotifierStore.personGateway, channel: .personMessage,
                           giveUp: false)
        case .success(let message):
            var headers = [("Idempotency-Key", delivery.deliveryId)]
            if let gatewayToken { headers.append(("Authorization", "Bearer \(gatewayToken)")) }
            let body = (try? PersonMessage.encoder.encode(message)).map { Array($0) } ?? []
            let answer = await poster.post(gatewayURL.absoluteString, body: body, headers: headers, timeout: policy.webhookTimeout)
            return outcome(of: answer, delivery: delivery, subscriber: NotifierStore.personGateway, channel: .personMessage, giveUp: false)
        }
    }
}

/// A subscriber's allowance: `perMinute` requests a minute, in bursts of up to ten seconds' worth.
struct TokenBucket {
    var perMinute: Int
    var tokens: Double
    var updated: ContinuousClock.Instant?

    init(perMinute: Int) {
        self.perMinute = perMinute
        self.tokens = Self.capacity(perMinute)
    }

    static func capacity(_ perMinute: Int) -> Double { max(1, Double(perMinute) / 6) }

    /// Takes a token; nil when one was there, else how long until one is.
    mutating func take(now: ContinuousClock.Instant) -> Duration? {
        let rate = Double(perMinute) / 60
        if let updated { tokens = min(Self.capacity(perMinute), tokens + (now - updated).seconds * rate) }
        updated = now
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return .milliseconds(Int64(((1 - tokens) / rate * 1000).rounded(.up)))
    }
}

extension Array where Element: Sendable {
    /// `transform` applied to every element with at most `width` running at once; results in order.
    func concurrentlyBounded<T: Sendable>(_ width: Int, _ transform: @escaping @Sendable (Element) async -> T) async -> [T] {
        await withTaskGroup(of: (Int, T).self) { group in
            var results = [T?](repeating: nil, count: count)
            var next = 0
            for _ in 0..<Swift.min(width, count) {
                let index = next
                group.addTask { (index, await transform(self[index])) }
                next += 1
            }
            for await (index, value) in group {
                results[index] = value
                if next < count {
                    let index = next
                    group.addTask { (index, await transform(self[index])) }
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }
}
