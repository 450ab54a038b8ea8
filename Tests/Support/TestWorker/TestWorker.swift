import FangyiEvents
import FangyiKafka
import FangyiService
import Foundation
import Logging
import PostgresNIO

// fangyi-test-worker: one event-processor process, for the fault tests that
// kill and restart consumers. It applies `CheckIn` events to two tables in
// its schema (one row per application, a running total) and echoes each
// event to an output topic through the outbox, so a test can check from the
// database and the topic that every event took effect exactly once.
//
// Environment: KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL, WORKER_SCHEMA,
// WORKER_TOPIC, WORKER_GROUP, WORKER_OUTPUT_TOPIC (optional),
// WORKER_SESSION_TIMEOUT_MS (default 6000).
// Prints `WORKER STARTED` once running and `WORKER STATS <json>` at exit.

/// Records each check-in and echoes it.
struct EchoHandler: EventHandler {
    let outputTopic: String?

    func handle(_ events: [InboundEvent], in transaction: EventTransaction) async throws {
        var ids: [String] = []
        var venues: [String] = []
        for event in events {
            let checkIn = try event.decode(CheckIn.self)
            ids.append(event.id)
            venues.append(checkIn.venueId)
            if let outputTopic {
                let envelope = try EventEnvelope.make(
                    checkIn, id: EventID.derive(["echo", event.id]), source: "fangyi/test-worker",
                    time: event.envelope.time, causationId: event.id)
                transaction.publish(OutboundEvent(topic: outputTopic, key: checkIn.partitionKey, envelope: envelope))
            }
        }
        try await transaction.connection.query(
            "INSERT INTO worker_effects (event_id, venue_id) SELECT * FROM unnest(\(ids)::text[], \(venues)::text[])",
            logger: Logger(label: "fangyi.test-worker.sql"))
        try await transaction.connection.query(
            "UPDATE worker_totals SET applied = applied + \(events.count) WHERE id = 1",
            logger: Logger(label: "fangyi.test-worker.sql"))
    }
}

/// The worker's own tables. `worker_effects` has no unique key on purpose: a
/// doubly applied event would show as a repeated row instead of an error.
let workerMigrations = [
    Migration(version: 1, name: "worker_tables", sql: """
        CREATE TABLE worker_effects (event_id text NOT NULL, venue_id text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE worker_totals (id integer PRIMARY KEY, applied bigint NOT NULL);
        INSERT INTO worker_totals VALUES (1, 0);
        """),
]

@main
struct TestWorker {
    static func main() async throws {
        let env = ProcessInfo.processInfo.environment
        var logger = Logger(label: "fangyi.test-worker")
        logger.logLevel = env["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        guard let schema = env["WORKER_SCHEMA"], let topic = env["WORKER_TOPIC"], let group = env["WORKER_GROUP"],
              let bootstrap = env["KAFKA_BOOTSTRAP_SERVERS"], let url = env["DATABASE_URL"]
        else {
            FileHandle.standardError.write(Data("fangyi-test-worker: WORKER_SCHEMA, WORKER_TOPIC, WORKER_GROUP, KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL are required\n".utf8))
            exit(64)
        }
        let sessionTimeout = env["WORKER_SESSION_TIMEOUT_MS"].flatMap(Int.init) ?? 6000
        let database = try Database(configuration: DatabaseConfiguration(url: url), schema: schema, logger: logger)
        let kafka = KafkaConfiguration(bootstrapServers: bootstrap, clientID: "fangyi-test-worker", statisticsInterval: nil)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka, linger: .milliseconds(1)), logger: logger)
        let relay = OutboxRelay(database: database, producer: producer, logger: logger, sweepInterval: .milliseconds(200))
        let processor = EventProcessor(
            configuration: EventProcessorConfiguration(groupID: group, topics: [topic], maxBatchSize: 200),
            consumer: KafkaConsumerConfiguration(
                kafka: kafka, groupID: group, sessionTimeout: .milliseconds(sessionTimeout),
                heartbeatInterval: .milliseconds(500), commitInterval: .milliseconds(200)),
            producer: producer, database: database, relay: relay,
            handler: EchoHandler(outputTopic: env["WORKER_OUTPUT_TOPIC"]), logger: logger)
        try await ServiceRunner.runMigrated(
            database: database, migrations: EventProcessor.migrations + workerMigrations,
            services: [producer, relay, processor], logger: logger,
            onStarted: { FileHandle.standardOutput.write(Data("WORKER STARTED\n".utf8)) })
        let stats = try JSONEncoder().encode(processor.statistics)
        FileHandle.standardOutput.write(Data("WORKER STATS \(String(decoding: stats, as: UTF8.self))\n".utf8))
    }
}
