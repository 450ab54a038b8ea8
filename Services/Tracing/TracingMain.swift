import FangyiEvents
import FangyiKafka
import FangyiService
import Foundation
import Logging
import ServiceLifecycle

/// `fangyi-tracing`: wires configuration, Postgres, Kafka, the event processor, the
/// outbox relay, retention maintenance and the query API, and runs them until SIGTERM.
/// Start as many instances as there are partitions; they share one consumer group.
public enum TracingMain {
    /// The consumer group every instance joins (dead letters: `tracing.dlq.v1`).
    public static let group = TopicCatalog.tracingGroup

    /// Runs the service; `--help` prints the environment variables.
    public static func run(arguments: [String] = CommandLine.arguments) async throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print("""
                fangyi-tracing: check-ins, relations, lab results and clinical assessments in; cases, close, \
                secondary and companion contacts, chain links, clusters and retest orders out. Scale out by \
                starting more instances (one consumer group).

                Environment:
                \(TracingConfiguration.variables.helpText())
                """)
            return
        }
        let configuration: TracingConfiguration
        let policy: TracingPolicy
        do {
            configuration = try TracingConfiguration.fromEnvironment()
            policy = try TracingPolicy.load(path: configuration.service.policyFile)
        } catch {
            Self.fail("\(error)")
        }
        var logger = Logger(label: "fangyi.tracing")
        logger.logLevel = configuration.service.logLevel
        _ = MetricsSystemBootstrap.bootstrap()
        if configuration.operatorTokens.isEmpty {
            logger.warning("TRACING_OPERATOR_TOKENS_SHA256 is unset: the query API refuses every request")
        }

        let environment = ProcessInfo.processInfo.environment
        var kafka = KafkaConfiguration.fromEnvironment(environment, defaultBootstrapServers: configuration.service.kafkaBootstrapServers)
        if environment["KAFKA_CLIENT_ID"] == nil { kafka.clientID = "fangyi-tracing" }
        let database = try Database(configuration: configuration.service.database, schema: configuration.schema, logger: logger)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka, linger: .milliseconds(2)), logger: logger)
        let relay = OutboxRelay(database: database, producer: producer, logger: logger)
        let partitions = CheckInPartitions(database: database)
        let handler = TracingHandler(policy: policy, partitions: partitions, metrics: TracingMetrics(), logger: logger)
        let processor = EventProcessor(
            configuration: EventProcessorConfiguration(
                groupID: group, topics: TracingHandler.topics, maxBatchSize: configuration.maxBatchSize,
                inboxExemptTopics: [TopicCatalog.checkIns.name], isolation: .serializable),
            consumer: KafkaConsumerConfiguration(kafka: kafka, groupID: group),
            producer: producer, database: database, relay: relay, handler: handler, logger: logger)
        let maintenance = RetentionMaintenance(database: database, partitions: partitions, policy: policy,
                                               interval: configuration.maintenanceInterval, logger: logger)

        let kafkaReady = ReadinessCheck(name: "kafka") {
            try await producer.checkConnectivity(timeout: .seconds(2))
            return true
        }
        let router = ServiceHTTP.makeRouter(health: HealthRoutes(readinessChecks: [
            database.readinessCheck(), kafkaReady, processor.readinessCheck(),
        ]))
        TracingAPI(database: database, policy: policy, tokens: configuration.operatorTokens, logger: logger).register(on: router)
        let app = ServiceHTTP.makeApplication(router: router, configuration: configuration.service, serverName: "fangyi-tracing", logger: logger)

        try await ServiceRunner.runMigrated(
            database: database, migrations: EventProcessor.migrations + TracingMigrations.all,
            services: [producer, relay, maintenance, processor, app], logger: logger,
            // Every day of the retention window gets its partition before the first batch, so a
            // batch's transaction never waits on partition DDL (see CheckInPartitions).
            prepare: { try await maintenance.runOnce(now: Date()) },
            onStarted: { [logger] in logger.info("tracing worker started", metadata: ["kafka.group": "\(group)"]) })
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("fangyi-tracing: \(message)\n".utf8))
        exit(78)  // EX_CONFIG
    }
}
