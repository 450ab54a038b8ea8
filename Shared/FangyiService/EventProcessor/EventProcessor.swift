import FangyiEvents
public import FangyiKafka
import Foundation
public import Logging
import Metrics
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// Consumes a consumer group's topics and applies each event exactly once in effect.
///
/// Per batch: decode every record (undecodable ones go to the dead-letter
/// topic); in one Postgres transaction record the event ids in the inbox
/// (repeats are skipped), let the handler change state and queue outgoing
/// events, and write those to the outbox; commit; store the offsets. A crash
/// anywhere before the offsets are committed repeats the batch, and the inbox
/// turns the repeat into a no-op. When a batch fails, its events are retried
/// one by one; an event that fails ``EventProcessorConfiguration/maxAttempts``
/// times is dead-lettered with its error and origin, and the partition moves
/// on. Infrastructure failures (database or broker unreachable) are retried
/// until they pass and dead-letter nothing.
///
/// Graceful shutdown: the batch in hand is finished, its offsets stored, and
/// the consumer leaves the group. Run it in a `ServiceGroup` after the
/// database, the producer and the relay, so it stops first.
public final class EventProcessor: Service, Sendable {
    private let configuration: EventProcessorConfiguration
    private let consumerConfiguration: KafkaConsumerConfiguration
    private let producer: KafkaProducer
    private let database: Database
    private let handler: any EventHandler
    private let relay: OutboxRelay?
    private let afterCommit: (@Sendable () -> Void)?
    private let logger: Logger
    private let metrics: EventProcessorMetrics
    private let state = Mutex(State())

    private struct State {
        var statistics = EventProcessorStatistics()
        var consumer: KafkaConsumer?
        var stopping = false
    }

    /// Creates a processor; nothing connects until ``run()``.
    ///
    /// - Parameters:
    ///   - consumer: consumer settings; its `groupID` must equal the configuration's.
    ///   - relay: the relay to wake after a batch wrote outbox rows.
    ///   - afterCommit: called after each committed batch that applied new events (to wake
    ///     work that reads what the handler wrote, such as the notifier's deliveries).
    public init(
        configuration: EventProcessorConfiguration,
        consumer: KafkaConsumerConfiguration,
        producer: KafkaProducer,
        database: Database,
        relay: OutboxRelay?,
        handler: some EventHandler,
        logger: Logger,
        afterCommit: (@Sendable () -> Void)? = nil
    ) {
        var consumer = consumer
        consumer.groupID = configuration.groupID
        self.configuration = configuration
        self.consumerConfiguration = consumer
        self.producer = producer
        self.database = database
        self.relay = relay
        self.afterCommit = afterCommit
        self.handler = handler
        self.logger = logger
        self.metrics = EventProcessorMetrics(group: configuration.groupID)
    }

    /// The runtime's migrations (inbox and outbox tables); apply them with the service's own.
    public static var migrations: [Migration] { EventStore.migrations }

    /// Counts since start.
    public var statistics: EventProcessorStatistics { state.withLock { $0.statistics } }

    /// Whether the member currently owns partitions (for readiness).
    public var hasAssignment: Bool { state.withLock { $0.consumer }?.assignment.isEmpty == false }

    /// A readiness check that passes while partitions are assigned.
    public func readinessCheck(name: String = "partitions") -> ReadinessCheck {
        ReadinessCheck(name: name) { self.hasAssignment }
    }

    public func run() async throws {
        let group = configuration.groupID
        let logger = self.logger
        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration, topics: configuration.topics, logger: logger,
            hooks: RebalanceHooks(
                onAssign: { logger.info("partitions assigned", metadata: ["kafka.group": "\(group)", "kafka.count": "\($0.count)"]) },
                onRevoke: { partitions, lost in
                    logger.info("partitions revoked", metadata: ["kafka.group": "\(group)", "kafka.count": "\(partitions.count)", "kafka.lost": "\(lost)"])
                }))
        state.withLock { $0.consumer = consumer }
        var failure: (any Error)? = nil
        let maxBatchSize = configuration.maxBatchSize
        // The next batch is fetched and prepared (envelopes read, payloads decoded: CPU
        // work) while the current one is in its transaction (database work), so the two
        // overlap. Rebalances run inside that fetch; a batch whose partitions were revoked
        // meanwhile is still applied, and its offsets are not stored (the new owner repeats
        // it and the inbox makes the repeat a no-op).
        let fetch: @Sendable () async throws -> PreparedBatch? = {
            guard let batch = try await consumer.nextBatch(maxMessages: maxBatchSize) else { return nil }
            return await self.prepare(batch)
        }
        var next = Task(operation: fetch)
        await withGracefulShutdownHandler {
            do {
                while !self.isStopping, let current = try await Self.value(of: next) {
                    next = Task(operation: fetch)
                    let start = ContinuousClock.now
                    guard try await self.process(current) else { break }
                    try consumer.storeOffsets(for: current.batch)
                    self.state.withLock { $0.statistics.batches += 1 }
                    self.metrics.batchDuration.record(duration: ContinuousClock.now - start)
                }
            } catch {
                failure = error
            }
        } onGracefulShutdown: {
            self.state.withLock { $0.stopping = true }
            consumer.stop()
        }
        // The prefetch must be done with the consumer before it closes; what it fetched is
        // not applied, so its offsets stay unstored and the batch is delivered again.
        consumer.stop()
        next.cancel()
        _ = try? await next.value
        await consumer.close()
        logger.info("event processor stopped; left the group", metadata: ["kafka.group": "\(group)"])
        if let failure { throw failure }
    }

    private var isStopping: Bool { Task.isCancelled || state.withLock { $0.stopping } }

    /// Applies already consumed batches in order, exactly as the consume loop does (each
    /// batch's envelopes read and prepared while the previous one is in its transaction),
    /// without Kafka offsets or retries: for replay tools and benchmarks. A record whose
    /// envelope cannot be read throws.
    public func replay(_ batches: [[KafkaMessage]]) async throws {
        var index = 0
        func preparing(_ i: Int) -> Task<PreparedBatch?, Never> {
            Task { i < batches.count ? await self.prepare(batches[i]) : nil }
        }
        var next = preparing(index)
        defer { next.cancel() }
        while let current = await next.value {
            index += 1
            next = preparing(index)
            if let (_, failure) = current.unreadable.first { throw failure }
            try await apply(current.events)
        }
    }

    /// The prefetch's result; cancelling the waiting task cancels the prefetch, so a
    /// cancelled processor does not wait for a batch that may never come.
    private static func value(of prefetch: Task<PreparedBatch?, any Error>) async throws -> PreparedBatch? {
        try await withTaskCancellationHandler { try await prefetch.value } onCancel: { prefetch.cancel() }
    }

    /// A fetched batch with its envelopes read and the handler's preparation done.
    private struct PreparedBatch: Sendable {
        let batch: [KafkaMessage]
        let events: [InboundEvent]
        let unreadable: [(KafkaMessage, ProcessingFailure)]
    }

    /// Reads every record's envelope (on every core) and lets the handler prepare the events.
    private func prepare(_ batch: [KafkaMessage]) async -> PreparedBatch {
        var events: [InboundEvent] = []
        var unreadable: [(KafkaMessage, ProcessingFailure)] = []
        events.reserveCapacity(batch.count)
        for (message, read) in zip(batch, await batch.concurrentMap(InboundEvent.init(message:))) {
            do {
                events.append(try read.get())
            } catch {
                unreadable.append((message, ProcessingFailure(error)))
            }
        }
        let prepared = events.isEmpty ? events : await handler.prepare(events)
        // A preparation that lost or reordered events is ignored: the events are handled as read.
        let consistent = prepared.count == events.count && zip(prepared, events).allSatisfy {
            $0.id == $1.id && $0.message.topicPartition == $1.message.topicPartition && $0.message.offset == $1.message.offset
        }
        return PreparedBatch(batch: batch, events: consistent ? prepared : events, unreadable: unreadable)
    }

    /// Applies a batch; returns `false` if shutdown interrupted it (offsets must not be stored).
    private func process(_ prepared: PreparedBatch) async throws -> Bool {
        let events = prepared.events
        var rejected = prepared.unreadable.map { ($0.0, $0.1, 1) }
        if !events.isEmpty {
            switch await applyRetryingTransient(events) {
            case .applied: break
            case .interrupted: return false
            case .failed:
                for event in events {
                    switch await applyOne(event) {
                    case .applied: break
                    case .interrupted: return false
                    case .deadLetter(let failure, let attempts): rejected.append((event.message, failure, attempts))
                    }
                }
            }
        }
        for (message, failure, attempts) in rejected {
            guard await deadLetter(message, failure: failure, attempts: attempts) else { return false }
        }
        return true
    }

    private enum BatchOutcome { case applied, failed, interrupted }
    private enum EventOutcome { case applied, interrupted, deadLetter(ProcessingFailure, attempts: Int) }

    /// Applies `events` in one transaction, retrying infrastructure failures
    /// until they pass; a failure of the events themselves returns `.failed`.
    private func applyRetryingTransient(_ events: [InboundEvent]) async -> BatchOutcome {
        var attempt = 0
        while true {
            do {
                try await apply(events)
                return .applied
            } catch {
                attempt += 1
                recordFailure(error, events: events.count)
                guard ProcessingFailure.isTransient(error) else { return .failed }
                guard await pause(afterAttempt: attempt) else { return .interrupted }
            }
        }
    }

    /// Applies one event with up to `maxAttempts` attempts (infrastructure failures do not count).
    private func applyOne(_ event: InboundEvent) async -> EventOutcome {
        var attempts = 0
        var transient = 0
        while true {
            do {
                try await apply([event])
                return .applied
            } catch {
                recordFailure(error, events: 1)
                if ProcessingFailure.isTransient(error) {
                    transient += 1
                    guard await pause(afterAttempt: transient) else { return .interrupted }
                    continue
                }
                attempts += 1
                if attempts >= configuration.maxAttempts { return .deadLetter(ProcessingFailure(error), attempts: attempts) }
                guard await pause(afterAttempt: attempts) else { return .interrupted }
            }
        }
    }

    /// One transaction: inbox, handler, outbox.
    /// Applies `events` in one transaction exactly as a consumed batch is applied (inbox,
    /// handler, outbox, statistics), without Kafka offsets: for replay tools and benchmarks
    /// that feed a handler directly. Throws what the transaction throws; nothing is retried.
    public func apply(_ events: [InboundEvent]) async throws {
        let group = configuration.groupID
        let handler = self.handler
        let logger = self.logger
        let exempt = configuration.inboxExemptTopics
        let deadLetterTopic = configuration.deadLetterTopic
        let (fresh, published, rejected) = try await database.withTransaction(level: configuration.isolation) { connection -> (Int, Int, Int) in
            let tracked = exempt.isEmpty ? events : events.filter { !exempt.contains($0.message.topic) }
            let newIDs = tracked.isEmpty ? [] : try await EventStore.recordInbox(tracked, group: group, on: connection, logger: logger)
            var seen = Set<String>()
            let fresh = events.filter {
                exempt.contains($0.message.topic) || (newIDs.contains($0.id) && seen.insert($0.id).inserted)
            }
            guard !fresh.isEmpty else { return (0, 0, 0) }
            let transaction = EventTransaction(connection: connection)
            try await handler.handle(fresh, in: transaction)
            let now = Date()
            let deadLetters = transaction.rejected.map { rejection in
                DeadLetter.message(for: rejection.event.message, code: rejection.code, message: rejection.message,
                                   group: group, topic: deadLetterTopic, attempts: 1, at: now)
            }
            try await EventStore.appendOutbox(transaction.outbound, deadLetters: deadLetters, on: connection, logger: logger)
            return (fresh.count, transaction.outbound.count + deadLetters.count, deadLetters.count)
        }
        let duplicates = events.count - fresh
        state.withLock {
            $0.statistics.processed += fresh
            $0.statistics.duplicates += duplicates
            $0.statistics.deadLettered += rejected
        }
        metrics.processed.increment(by: fresh)
        if duplicates > 0 { metrics.duplicates.increment(by: duplicates) }
        if rejected > 0 {
            metrics.deadLettered.increment(by: rejected)
            logger.warning("events rejected as invalid; dead-lettered through the outbox", metadata: [
                "kafka.group": "\(group)", "fangyi.events": "\(rejected)", "fangyi.dlq_topic": "\(deadLetterTopic)",
            ])
        }
        if published > 0 { relay?.notify() }
        if fresh > 0 { afterCommit?() }
    }

    /// Sends a record to the dead-letter topic, retrying until the broker acknowledges.
    private func deadLetter(_ message: KafkaMessage, failure: ProcessingFailure, attempts: Int) async -> Bool {
        let record = DeadLetter.message(
            for: message, failure: failure, group: configuration.groupID,
            topic: configuration.deadLetterTopic, attempts: attempts, at: Date())
        var tries = 0
        while true {
            do {
                try await producer.send(record)
                state.withLock { $0.statistics.deadLettered += 1 }
                metrics.deadLettered.increment()
                logger.error("event dead-lettered", metadata: [
                    "kafka.topic": "\(message.topic)", "kafka.partition": "\(message.partition)", "kafka.offset": "\(message.offset)",
                    "fangyi.error_code": "\(failure.code)", "fangyi.dlq_topic": "\(configuration.deadLetterTopic)",
                ])
                return true
            } catch {
                tries += 1
                logger.warning("dead-letter write failed; retrying", metadata: ["kafka.error": "\(error.name)"])
                guard await pause(afterAttempt: tries) else { return false }
            }
        }
    }

    private func recordFailure(_ error: any Error, events: Int) {
        let failure = ProcessingFailure(error)
        state.withLock { $0.statistics.failedAttempts += 1 }
        metrics.failures.increment()
        logger.warning("event processing attempt failed", metadata: [
            "kafka.group": "\(configuration.groupID)", "fangyi.error_code": "\(failure.code)", "fangyi.events": "\(events)",
        ])
    }

    /// Waits out the backoff for `attempt`; returns `false` if shutdown began.
    private func pause(afterAttempt attempt: Int) async -> Bool {
        guard !isStopping else { return false }
        // A deliberate delay between retries, not a wait for a condition.
        try? await ContinuousClock().sleep(for: configuration.backoff(afterAttempt: attempt))
        return !isStopping
    }
}
