import FangyiEvents
import FangyiKafka
import FangyiService
import Foundation
import Logging
import ServiceLifecycle

/// `fangyi-intake`: wires configuration, Kafka, the labs registry, the HTTP API and the
/// Kafka entry together, and runs them until SIGTERM.
public enum IntakeMain {
    /// Runs the service; `--help` prints the environment variables.
    public static func run(arguments: [String] = CommandLine.arguments) async throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print("""
                fangyi-intake: lab results in (HTTP: JSON, FHIR R4, HL7 v2.5.1, CSV; Kafka: lab.submissions.v1), \
                validated and pseudonymised, out on lab.results.v1.

                Environment:
                \(IntakeConfiguration.variables.helpText())
                """)
            return
        }
        let configuration: IntakeConfiguration
        do {
            configuration = try IntakeConfiguration.fromEnvironment()
        } catch {
            Self.fail("configuration: \(error)")
        }
        var logger = Logger(label: "fangyi.intake")
        logger.logLevel = configuration.service.logLevel
        _ = MetricsSystemBootstrap.bootstrap()

        let subjects: SubjectRefGenerator
        let sealer: ContactSealer
        let policy: IntakePolicy
        let labs: LabDirectory
        do {
            subjects = try SubjectRefGenerator()
            sealer = try ContactSealer()
            policy = try IntakePolicy.load(path: configuration.service.policyFile)
            labs = try LabDirectory(path: configuration.labsFile, reloadInterval: configuration.labsReloadInterval, logger: logger)
        } catch {
            Self.fail("\(error)")
        }

        let environment = ProcessInfo.processInfo.environment
        var kafka = KafkaConfiguration.fromEnvironment(environment, defaultBootstrapServers: configuration.service.kafkaBootstrapServers)
        if environment["KAFKA_CLIENT_ID"] == nil { kafka.clientID = "fangyi-intake" }
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(kafka: kafka, linger: .milliseconds(2), deliveryTimeout: configuration.publishTimeout),
            logger: logger)
        let metrics = IntakeMetrics()
        let processor = SubmissionProcessor(
            validator: ResultValidator(policy: policy.interpretation, subjects: subjects, sealer: sealer,
                                       maxItemBytes: configuration.maxItemBytes),
            publisher: ResultPublisher(producer: producer), metrics: metrics, logger: logger)

        let readiness = ReadinessCheck(name: "kafka") {
            try await producer.checkConnectivity(timeout: .seconds(2))
            return true
        }
        let router = ServiceHTTP.makeRouter(health: HealthRoutes(readinessChecks: [readiness]))
        IntakeAPI(labs: labs, processor: processor, configuration: configuration, metrics: metrics).register(on: router)
        let app = ServiceHTTP.makeApplication(router: router, configuration: configuration.service, serverName: "fangyi-intake",
                                              logger: logger, idleTimeout: configuration.requestTimeout)

        var services: [any Service] = [labs, producer]
        if configuration.consumeSubmissions {
            let consumer = try KafkaConsumer(
                configuration: KafkaConsumerConfiguration(kafka: kafka, groupID: TopicCatalog.labSubmissionsGroup),
                topics: [TopicCatalog.labSubmissions.name], logger: logger)
            services.append(SubmissionConsumer(consumer: consumer, producer: producer, processor: processor, labs: labs, logger: logger))
        }
        services.append(app)
        try await ServiceRunner(services: services, logger: logger).run()
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("fangyi-intake: \(message)\n".utf8))
        exit(78)  // EX_CONFIG
    }
}
