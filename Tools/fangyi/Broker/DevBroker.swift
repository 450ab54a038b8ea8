import FangyiEvents
import FangyiKafka
import Logging
import ServiceLifecycle

/// The local development Kafka of `fangyi broker` and `fangyi demo`: librdkafka's mock cluster
/// with every topic of the catalog and every consumer group's dead-letter topic, its address
/// published in a ``BootstrapFile`` and printed as `bootstrap: HOST:PORT,...`.
///
/// The cluster is started by ``run()``, inside the service group, so that a Ctrl-C or SIGTERM
/// that arrives while it starts is already a graceful shutdown (and the bootstrap file is
/// removed) rather than the signal's default action. Others await ``bootstrapServers()``.
/// The cluster lives until ``run()`` returns.
///
/// Concurrency: `Sendable`; ``run()`` is called once, by the service group;
/// ``bootstrapServers()`` from any task.
final class DevBroker: Service, Sendable, CustomStringConvertible {
    /// The one-line warning both commands print first.
    static let warning = """
        warning: development broker only. Data lives in memory and is gone when it stops; \
        librdkafka 2.0.2's mock keeps only the newest ~5 MB per partition (older records are \
        pruned) and ignores topic configs such as retention. Never use it in production.
        """

    /// The number of mock brokers.
    let brokers: Int
    /// Where the address is published.
    let bootstrapFile: BootstrapFile
    private let logger: Logger
    private let started = OneShotResult<String>()

    /// A broker of `brokers` mock brokers publishing its address in `bootstrapFile`; nothing
    /// starts before ``run()``.
    init(brokers: Int, bootstrapFile: BootstrapFile, logger: Logger) {
        self.brokers = brokers
        self.bootstrapFile = bootstrapFile
        self.logger = logger
    }

    /// Starts a mock cluster of `brokers` brokers and creates ``TopicCatalog/provisionedTopics``
    /// with their partition counts (replication factor min(3, brokers)).
    ///
    /// - Throws: `KafkaError` when the cluster or a topic cannot be created.
    static func makeCluster(brokers: Int, logger: Logger) throws(KafkaError) -> MockCluster {
        let cluster = try MockCluster(brokers: brokers, logger: logger)
        for topic in TopicCatalog.provisionedTopics {
            try cluster.createTopic(topic.name, partitions: topic.partitions, replicationFactor: min(3, brokers))
        }
        return cluster
    }

    /// Waits until the cluster is up and returns `bootstrap.servers` for clients
    /// (`127.0.0.1:PORT,...`). Throws the start-up error, or `CancellationError`.
    func bootstrapServers() async throws -> String {
        try await started.value()
    }

    /// Starts the cluster, publishes and prints its address, then holds it until graceful
    /// shutdown (or cancellation) and removes the bootstrap file if it still names this broker.
    ///
    /// - Throws: the start-up error (`KafkaError`, ``ToolError``).
    func run() async throws {
        let cluster: MockCluster
        let replaced: String?
        do {
            cluster = try Self.makeCluster(brokers: brokers, logger: logger)
            replaced = bootstrapFile.read()
            try bootstrapFile.write(cluster.bootstrapServers)
        } catch {
            started.resolve(.failure(error))
            throw error
        }
        let servers = cluster.bootstrapServers
        defer {
            if bootstrapFile.remove(ifNaming: servers) {
                logger.info("removed bootstrap file", metadata: ["file": "\(bootstrapFile.path)"])
            }
        }
        let topics = TopicCatalog.provisionedTopics.map(\.name)
        Console.out("bootstrap: \(servers)")
        Console.out("brokers: \(brokers), topics: \(topics.count) (\(topics.joined(separator: ", ")))")
        Console.out("bootstrap file: \(bootstrapFile.path)")
        if let replaced, replaced != servers {
            Console.err("note: replaced \(replaced) in the bootstrap file; is another broker still running?")
        }
        Console.err("running; Ctrl-C or SIGTERM stops it")
        started.resolve(.success(servers))

        do {
            try await gracefulShutdown()
        } catch is CancellationError {
            // Cancelled rather than asked to stop: the cleanup is the same.
        }
        withExtendedLifetime(cluster) {}
    }

    /// `DevBroker(n brokers)`, for the service group's log lines.
    var description: String { "DevBroker(\(brokers) brokers)" }
}
