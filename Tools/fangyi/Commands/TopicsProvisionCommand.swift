import ArgumentParser
import FangyiEvents
import FangyiKafka
import FangyiService

/// `fangyi topics provision`: creates the catalog's topics on the cluster named by the
/// environment, with their partition counts and configs.
struct TopicsProvisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Create every catalog topic and dead-letter topic on a Kafka cluster.",
        discussion: """
            Uses the Admin API (CreateTopics) with each topic's partition count, cleanup.policy \
            and retention.ms. Topics that exist already are left alone and reported, with a \
            warning when they have fewer partitions than the catalog asks for. Prints one line \
            per topic and exits non-zero if any topic failed.

            The development broker (fangyi broker) does not support CreateTopics; it creates the \
            same topics itself when it starts, so there is nothing to provision there.

            \(ToolEnvironment.helpSection(ToolEnvironment.kafkaVariables))
            """
    )

    @Option(help: "Replication factor of every topic (3 for production; 1 on a single broker).")
    var replicationFactor = 3

    @Option(help: "Seconds to wait for the cluster to answer.")
    var timeout = 30

    @Flag(help: "Print what would be created without contacting the cluster.")
    var dryRun = false

    func validate() throws {
        guard replicationFactor >= 1 else { throw ValidationError("--replication-factor must be at least 1") }
        guard timeout >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
    }

    func run() async throws {
        let specifications = TopicCatalog.provisionedTopics.map { topic in
            TopicSpecification(
                name: topic.name, partitions: topic.partitions, replicationFactor: replicationFactor,
                configs: topic.kafkaConfig)
        }
        if dryRun {
            for spec in specifications { Console.out("would create  \(Self.describe(spec))") }
            return
        }
        let logger = try ToolEnvironment.logger("fangyi.topics")
        let kafka = try ToolEnvironment.kafkaConfiguration()
        Console.err("provisioning \(specifications.count) topics on \(kafka.bootstrapServers)")

        let admin = try KafkaAdmin(configuration: kafka, logger: logger)
        let results: [String: Result<TopicCreationOutcome, KafkaError>]
        let existing: ClusterDescription?
        do {
            results = try await admin.createTopics(specifications, timeout: .seconds(timeout))
            existing = results.values.contains { (try? $0.get()) == .alreadyExists }
                ? try? await admin.describeCluster(timeout: .seconds(timeout)) : nil
        } catch {
            await admin.close()
            throw Self.explain(error, bootstrapServers: kafka.bootstrapServers)
        }
        await admin.close()

        var failed = 0
        for spec in specifications {
            switch results[spec.name] {
            case .success(.created):
                Console.out("created         \(Self.describe(spec))")
            case .success(.alreadyExists):
                var line = "already exists  \(spec.name)"
                if let partitions = existing?.topics[spec.name], partitions < spec.partitions {
                    line += "  (warning: \(partitions) partitions, the catalog asks for \(spec.partitions); add them with kafka-topics.sh --alter)"
                }
                Console.out(line)
            case .failure(let error):
                failed += 1
                Console.out("failed          \(spec.name): \(error.name): \(error.message)")
            case nil:
                failed += 1
                Console.out("failed          \(spec.name): the cluster returned no result for this topic")
            }
        }
        if failed > 0 {
            Console.err("\(failed) of \(specifications.count) topics failed")
            throw ExitCode.failure
        }
    }

    /// `name  partitions=12 replication=3 cleanup.policy=delete retention.ms=...`.
    static func describe(_ spec: TopicSpecification) -> String {
        let configs = spec.configs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(spec.name)  partitions=\(spec.partitions) replication=\(spec.replicationFactor) \(configs)"
    }

    /// A request-level failure, reworded for the operator when there is something to do.
    static func explain(_ error: KafkaError, bootstrapServers: String) -> ToolError {
        let context = ["kafka.bootstrap_servers": bootstrapServers, "kafka.error": error.name]
        switch error.name {
        case "_UNSUPPORTED_FEATURE":
            return ToolError(
                code: "topics.create_unsupported",
                message: """
                    Kafka at \(bootstrapServers) cannot create topics: \(error.message). The development \
                    broker (fangyi broker, librdkafka's mock cluster) is like that and needs nothing: it \
                    creates every catalog topic itself when it starts. For another cluster, create the \
                    topics with its own tools (fangyi topics provision --dry-run lists them).
                    """,
                context: context)
        case "_TIMED_OUT", "_TRANSPORT", "_ALL_BROKERS_DOWN":
            return ToolError(
                code: "topics.unreachable",
                message: """
                    no answer from Kafka at \(bootstrapServers) (\(error.message)); check \
                    KAFKA_BOOTSTRAP_SERVERS and the KAFKA_* security settings
                    """,
                context: context)
        default:
            return ToolError(code: "topics.create_failed", message: "CreateTopics failed: \(error.message)", context: context)
        }
    }
}
