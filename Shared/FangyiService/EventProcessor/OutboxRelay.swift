public import FangyiKafka
public import Logging
import Metrics
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// Publishes outbox rows to Kafka in the order they were written, then marks them.
///
/// One relay per schema is active at a time (a session advisory lock held on
/// a dedicated connection), so rows with the same key are never published out
/// of order by two processes; the others stand by and take over when the
/// holder's connection goes away. A row is marked only after the broker
/// acknowledged it; when a send fails, rows from the first failure on are
/// sent again next round (consumers drop the repeats by event id). The relay
/// wakes when a local transaction wrote rows (``notify()``) and otherwise every
/// sweep interval, which also picks up rows left by a crashed process.
public final class OutboxRelay: Service, Sendable {
    private let database: Database
    private let producer: KafkaProducer
    private let logger: Logger
    private let wakeup = AsyncWakeup()
    private let stopping = Mutex(false)
    private let sweepInterval: Duration
    private let batchSize: Int
    private let published: Counter
    private let sendFailures: Counter

    /// How long published outbox rows are kept (for inspection) before pruning.
    public static let publishedRetention: Duration = .seconds(24 * 3600)
    /// How long inbox rows are kept; longer than any topic's retention (28 days),
    /// so a replay from the oldest retained offset is still deduplicated.
    public static let inboxRetention: Duration = .seconds(35 * 24 * 3600)

    /// Creates a relay for `database`'s schema.
    ///
    /// - Parameters:
    ///   - sweepInterval: how often to look for rows without being notified. Default 1 s.
    ///   - batchSize: most rows per send. Default 1,000.
    public init(database: Database, producer: KafkaProducer, logger: Logger, sweepInterval: Duration = .seconds(1), batchSize: Int = 1000) {
        self.database = database
        self.producer = producer
        self.logger = logger
        self.sweepInterval = sweepInterval
        self.batchSize = batchSize
        published = Counter(label: "fangyi_outbox_published_total", dimensions: [("schema", database.schema)])
        sendFailures = Counter(label: "fangyi_outbox_send_failures_total", dimensions: [("schema", database.schema)])
    }

    /// Tells the relay new rows were committed. Safe from any task.
    public func notify() {
        wakeup.signal()
    }

    /// Runs until graceful shutdown or cancellation. At graceful shutdown it
    /// publishes what is pending once more, so the last batches' events leave
    /// with the process when the broker is up.
    public func run() async throws {
        await withGracefulShutdownHandler {
            while !self.isStopping {
                do {
                    try await self.database.withConnection { connection in
                        try await self.lead(on: connection)
                    }
                } catch {
                    if self.isStopping { break }
                    self.logger.warning("outbox relay interrupted; retrying", metadata: ["error": "\(ProcessingFailure(error).code)"])
                    await self.wakeup.wait(timeout: self.sweepInterval)
                }
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            self.wakeup.signal()
        }
    }

    private var isStopping: Bool { Task.isCancelled || stopping.withLock { $0 } }

    /// Becomes the schema's relay (or waits to), publishes until stopped, then
    /// gives the role up so the pooled connection carries no lock.
    private func lead(on connection: PostgresConnection) async throws {
        let lockKey = Migrator.advisoryLockKey(schema: "outbox:\(database.schema)")
        while !isStopping {
            let rows = try await connection.query("SELECT pg_try_advisory_lock(\(lockKey))", logger: logger)
            var acquired = false
            for try await value in rows.decode(Bool.self) { acquired = value }
            if acquired { break }
            await wakeup.wait(timeout: sweepInterval)
        }
        guard !isStopping else { return }
        logger.info("outbox relay active", metadata: ["db.schema": "\(database.schema)"])
        do {
            var lastPrune = ContinuousClock.now - .seconds(3600)
            while !isStopping {
                while try await publishBatch(on: connection) == batchSize, !isStopping {}
                if ContinuousClock.now - lastPrune >= .seconds(3600) {
                    try await EventStore.prune(outboxAge: Self.publishedRetention, inboxAge: Self.inboxRetention, on: connection, logger: logger)
                    lastPrune = .now
                }
                await wakeup.wait(timeout: sweepInterval)
            }
            _ = try await publishBatch(on: connection)
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
            throw error
        }
        _ = try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
        logger.info("outbox relay stopped", metadata: ["db.schema": "\(database.schema)"])
    }

    /// Publishes up to one batch; returns how many rows it found.
    private func publishBatch(on connection: PostgresConnection) async throws -> Int {
        let rows = try await EventStore.pending(limit: batchSize, on: connection, logger: logger)
        guard !rows.isEmpty else { return 0 }
        let results = await producer.send(batch: rows.map(\.message))
        var done: [Int64] = []
        for (row, result) in zip(rows, results) {
            guard case .success = result else { break }
            done.append(row.id)
        }
        try await EventStore.markPublished(done, on: connection, logger: logger)
        published.increment(by: done.count)
        if done.count < rows.count, case .failure(let error) = results[done.count] {
            sendFailures.increment()
            logger.warning("outbox send failed; will resend from the failed row", metadata: [
                "kafka.error": "\(error.name)", "kafka.topic": "\(rows[done.count].message.topic)",
            ])
            throw error
        }
        return rows.count
    }
}
