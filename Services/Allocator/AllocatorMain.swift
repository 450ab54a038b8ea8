import FangyiEvents
import FangyiKafka
import FangyiService
import Foundation
import Logging
import ServiceLifecycle

/// `fangyi-allocator`: wires configuration, Postgres, Kafka, the event processor, the
/// outbox relay, the schedule, capacity gauges and the operator API, and runs them until
/// SIGTERM. Several instances may run (one consumer group); units are never double-booked.
public enum AllocatorMain {
    /// The consumer group every instance joins (dead letters: `allocator.dlq.v1`).
    public static let group = TopicCatalog.allocatorGroup

    /// Runs the service; `--help` prints the environment variables.
    public static func run(arguments: [String] = CommandLine.arguments) async throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print("""
                fangyi-allocator: cases, contacts, clinical assessments and release tests in; bed and room \
                assignments, waitlist places, transfers, releases, capacity and standby activations out.

                Environment:
                \(AllocatorConfiguration.variables.helpText())
                """)
            return
        }
        let configuration: AllocatorConfiguration
        let policy: AllocationPolicy
        let inventory: Inventory?
        do {
            configuration = try AllocatorConfiguration.fromEnvironment()
            policy = try AllocationPolicy.load(path: configuration.service.policyFile)
            inventory = try configuration.seedFile.map { path throws(Inventory.FileError) in try Inventory.load(path: path) }
        } catch {
            Self.fail("\(error)")
        }
        var logger = Logger(label: "fangyi.allocator")
        logger.logLevel = configuration.service.logLevel
        _ = MetricsSystemBootstrap.bootstrap()
        if configuration.operatorTokens.isEmpty {
            logger.warning("ALLOCATOR_OPERATOR_TOKENS_SHA256 is unset: the operator API refuses every request")
        }

        let environment = ProcessInfo.processInfo.environment
        var kafka = KafkaConfiguration.fromEnvironment(environment, defaultBootstrapServers: configuration.service.kafkaBootstrapServers)
        if environment["KAFKA_CLIENT_ID"] == nil { kafka.clientID = "fangyi-allocator" }
        let database = try Database(configuration: configuration.service.database, schema: configuration.schema, logger: logger)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka, linger: .milliseconds(2)), logger: logger)
        let relay = OutboxRelay(database: database, producer: producer, logger: logger)
        let metrics = AllocatorMetrics()
        let handler = AllocatorHandler(policy: policy, metrics: metrics, logger: logger)
        let processor = EventProcessor(
            configuration: EventProcessorConfiguration(
                groupID: group, topics: AllocatorHandler.topics, maxBatchSize: configuration.maxBatchSize,
                inboxExemptTopics: AllocatorHandler.inboxExemptTopics),
            consumer: KafkaConsumerConfiguration(kafka: kafka, groupID: group),
            producer: producer, database: database, relay: relay, handler: handler, logger: logger)
        let schedule = AllocatorSchedule(database: database, relay: relay, policy: policy, interval: configuration.scheduleInterval,
                                         metrics: metrics, logger: logger)
        let gauges = CapacityGauges(database: database, policy: policy, interval: configuration.gaugeInterval, logger: logger)
        let admin = InventoryAdmin(database: database, relay: relay, policy: policy, metrics: metrics, logger: logger)

        let kafkaReady = ReadinessCheck(name: "kafka") {
            try await producer.checkConnectivity(timeout: .seconds(2))
            return true
        }
        let router = ServiceHTTP.makeRouter(health: HealthRoutes(readinessChecks: [
            database.readinessCheck(), kafkaReady, processor.readinessCheck(),
        ]))
        AllocatorAPI(database: database, admin: admin, policy: policy, tokens: configuration.operatorTokens, logger: logger).register(on: router)
        let app = ServiceHTTP.makeApplication(router: router, configuration: configuration.service, serverName: "fangyi-allocator", logger: logger)

        try await ServiceRunner.runMigrated(
            database: database, migrations: EventProcessor.migrations + AllocatorMigrations.all,
            services: [producer, relay, schedule, gauges, processor, app], logger: logger,
            // The seed is in place before the first event is decided.
            prepare: { [logger] in
                guard let inventory else { return }
                let added = try await admin.seed(inventory)
                logger.info("seed loaded", metadata: ["fangyi.facilities_added": "\(added.count)",
                                                      "fangyi.facilities_in_seed": "\(inventory.facilities.count)"])
            },
            onStarted: { [logger] in logger.info("allocator started", metadata: ["kafka.group": "\(group)"]) })
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("fangyi-allocator: \(message)\n".utf8))
        exit(78)  // EX_CONFIG
    }
}
