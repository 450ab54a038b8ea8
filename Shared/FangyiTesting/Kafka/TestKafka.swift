import Foundation
public import FangyiKafka
public import Logging

/// A Kafka cluster for one test: a fresh in-process mock cluster, or the
/// external broker named by `KAFKA_BOOTSTRAP_SERVERS` (so the same suite runs
/// against a real Kafka). Topic names get a per-test suffix, so tests never see
/// each other's data even on a shared broker.
public final class TestKafka: Sendable {
    /// The mock cluster, when the test runs on one (fault injection needs it).
    public let mock: MockCluster?
    /// `bootstrap.servers` for clients.
    public let bootstrapServers: String
    /// A suffix unique to this fixture, appended to topic and group names.
    public let suffix: String
    /// The logger clients should use.
    public let logger: Logger

    /// Starts a mock cluster with `brokers` brokers unless `KAFKA_BOOTSTRAP_SERVERS` is set.
    public init(brokers: Int = 3, label: String = "test") throws {
        var logger = Logger(label: "fangyi.test.\(label)")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        self.logger = logger
        suffix = String(UUID().uuidString.prefix(8)).lowercased()
        if let external = ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"], !external.isEmpty {
            mock = nil
            bootstrapServers = external
        } else {
            let cluster = try MockCluster(brokers: brokers, logger: logger)
            mock = cluster
            bootstrapServers = cluster.bootstrapServers
        }
    }

    /// A topic name unique to this test.
    public func topicName(_ base: String) -> String { "\(base).\(suffix)" }

    /// Creates a topic (unique name from `base`) and returns its name.
    public func createTopic(_ base: String, partitions: Int) async throws -> String {
        let name = topicName(base)
        if let mock {
            try mock.createTopic(name, partitions: partitions, replicationFactor: 1)
        } else {
            let admin = try KafkaAdmin(configuration: kafkaConfiguration(), logger: logger)
            let results = try await admin.createTopics([TopicSpecification(name: name, partitions: partitions, replicationFactor: 1)])
            await admin.close()
            if case .failure(let error) = results[name] { throw error }
        }
        return name
    }

    /// Client settings for this cluster (statistics off unless asked for).
    public func kafkaConfiguration(statistics: Duration? = nil) -> KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: bootstrapServers, clientID: "fangyi-test", statisticsInterval: statistics)
    }

    /// Producer settings for this cluster, with a short linger for fast tests.
    public func producerConfiguration(deliveryTimeout: Duration = .seconds(30)) -> KafkaProducerConfiguration {
        KafkaProducerConfiguration(kafka: kafkaConfiguration(), linger: .milliseconds(1), deliveryTimeout: deliveryTimeout, flushTimeout: .seconds(5))
    }

    /// Consumer settings for a group unique to this test, with short timeouts.
    public func consumerConfiguration(group: String, sessionTimeout: Duration = .seconds(6)) -> KafkaConsumerConfiguration {
        KafkaConsumerConfiguration(
            kafka: kafkaConfiguration(), groupID: "\(group).\(suffix)", sessionTimeout: sessionTimeout,
            heartbeatInterval: .milliseconds(500), commitInterval: .milliseconds(200))
    }

    /// Runs `body` with a producer whose `run()` loop is active, then shuts it down.
    ///
    /// - Parameter logger: where the producer logs; default this fixture's logger.
    public func withProducer<T: Sendable>(
        _ configuration: KafkaProducerConfiguration? = nil,
        logger: Logger? = nil,
        _ body: @Sendable (KafkaProducer) async throws -> T
    ) async throws -> T {
        let producer = try KafkaProducer(configuration: configuration ?? producerConfiguration(), logger: logger ?? self.logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await producer.run(); return nil }
            defer { group.cancelAll() }
            let result = try await body(producer)
            group.cancelAll()
            while let next = try await group.next() { if next != nil { break } }
            return result
        }
    }
}
