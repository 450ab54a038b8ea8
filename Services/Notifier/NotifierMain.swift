import AsyncHTTPClient
import FangyiEvents
import FangyiKafka
import FangyiService
import Foundation
import Logging
import ServiceLifecycle

/// `fangyi-notifier`: wires configuration, Postgres, Kafka, the event processor, the outbox
/// relay, the schedule, the deliverer, the stream and the API, and runs them until SIGTERM.
/// Several instances may run (one consumer group); one of them delivers at a time.
public enum NotifierMain {
    /// Runs the service; `--help` prints the environment variables.
    public static func run(arguments: [String] = CommandLine.arguments) async throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print("""
                fangyi-notifier: cases, contacts, clusters, results, assignments and capacity in; area risk levels, \
                alerts on alerts.v1, signed webhooks, a server-sent-events stream and messages to persons out.

                Environment:
                \(NotifierConfiguration.variables.helpText())
                """)
            return
        }
        let configuration: NotifierConfiguration
        let policy: NotifierPolicy
        let templates: AlertTemplates
        var sealer: ContactSealer?
        do {
            configuration = try NotifierConfiguration.fromEnvironment()
            policy = try NotifierPolicy.load(path: configuration.service.policyFile)
            templates = try AlertTemplates.load(path: configuration.templatesFile)
            if ProcessInfo.processInfo.environment[ContactSealer.environmentVariable] != nil {
                sealer = try ContactSealer()
            }
        } catch {
            Self.fail("\(error)")
        }
        var logger = Logger(label: "fangyi.notifier")
        logger.logLevel = configuration.service.logLevel
        _ = MetricsSystemBootstrap.bootstrap()
        if configuration.operatorTokens.isEmpty {
            logger.warning("NOTIFIER_OPERATOR_TOKENS_SHA256 is unset: the subscription API refuses every request")
        }
        if configuration.gatewayURL == nil {
            logger.notice("NOTIFIER_GATEWAY_URL is unset: orders to persons are issued as alerts but not sent as messages")
        } else if sealer == nil {
            logger.warning("FANGYI_CONTACT_KEY is unset: person messages cannot be addressed and will be retried until they expire")
        }

        let environment = ProcessInfo.processInfo.environment
        var kafka = KafkaConfiguration.fromEnvironment(environment, defaultBootstrapServers: configuration.service.kafkaBootstrapServers)
        if environment["KAFKA_CLIENT_ID"] == nil { kafka.clientID = "fangyi-notifier" }
        let database = try Database(configuration: configuration.service.database, schema: configuration.schema, logger: logger)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka, linger: .milliseconds(2)), logger: logger)
        let relay = OutboxRelay(database: database, producer: producer, logger: logger)
        let settings = NotifierSettings(policy: policy, templates: templates, personGateway: configuration.gatewayURL != nil, logger: logger)
        let client = HTTPPoster.makeClient()
        let deliverer = Deliverer(database: database, relay: relay, settings: settings, poster: HTTPPoster(client: client),
                                  gatewayURL: configuration.gatewayURL, gatewayToken: configuration.gatewayToken, sealer: sealer,
                                  pollInterval: configuration.deliveryPollInterval)
        let processor = EventProcessor(
            configuration: EventProcessorConfiguration(
                groupID: NotifierHandler.group, topics: NotifierHandler.topics, maxBatchSize: configuration.maxBatchSize,
                inboxExemptTopics: NotifierHandler.inboxExemptTopics),
            consumer: KafkaConsumerConfiguration(kafka: kafka, groupID: NotifierHandler.group),
            producer: producer, database: database, relay: relay, handler: NotifierHandler(settings: settings), logger: logger,
            afterCommit: { deliverer.notify() })
        let schedule = NotifierSchedule(database: database, relay: relay, settings: settings, interval: configuration.scheduleInterval,
                                        onIssued: { deliverer.notify() })
        let streams = AlertStreams(heartbeat: configuration.streamHeartbeat)

        let kafkaReady = ReadinessCheck(name: "kafka") {
            try await producer.checkConnectivity(timeout: .seconds(2))
            return true
        }
        let router = ServiceHTTP.makeRouter(health: HealthRoutes(readinessChecks: [
            database.readinessCheck(), kafkaReady, processor.readinessCheck(),
        ]))
        NotifierAPI(database: database, tokens: configuration.operatorTokens, deliverer: deliverer, streams: streams, policy: policy,
                    allowInsecureWebhooks: configuration.allowInsecureWebhooks, logger: logger).register(on: router)
        let app = ServiceHTTP.makeApplication(router: router, configuration: configuration.service, serverName: "fangyi-notifier", logger: logger)

        // Streams are last so they are told to end first: the server waits for open responses.
        defer {
            // Normally shut down below; after a failed start, without waiting.
            client.shutdown { _ in }
        }
        try await ServiceRunner.runMigrated(
            database: database, migrations: EventProcessor.migrations + NotifierMigrations.all,
            services: [producer, relay, deliverer, schedule, processor, app, streams], logger: logger,
            onStarted: { [logger] in logger.info("notifier started", metadata: ["kafka.group": "\(NotifierHandler.group)"]) })
        try await client.shutdown()
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("fangyi-notifier: \(message)\n".utf8))
        exit(78)  // EX_CONFIG
    }
}
