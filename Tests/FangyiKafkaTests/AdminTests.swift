import FangyiKafka
import FangyiTesting
import Logging
import Testing

@Suite("Cluster administration")
struct AdminTests {
    @Test("createTopics on the mock cluster fails with a clear _UNSUPPORTED_FEATURE error",
          .enabled(if: TestKafka.runsOnMockCluster, "only the mock cluster lacks CreateTopics"))
    func createTopicsUnsupportedOnMock() async throws {
        let kafka = try TestKafka(brokers: 3, label: "admin")
        let admin = try KafkaAdmin(configuration: kafka.kafkaConfiguration(), logger: kafka.logger)
        let name = kafka.topicName("admin-create")
        let result = await #expect(throws: KafkaError.self) {
            try await admin.createTopics([TopicSpecification(name: name, partitions: 3, replicationFactor: 1)], timeout: .seconds(20))
        }
        await admin.close()
        let error = try #require(result)
        #expect(error.code == -165, "RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE, got \(error)")
        #expect(error.name == "_UNSUPPORTED_FEATURE")
        #expect(error.message.contains("CreateTopics"), "message: \(error.message)")
        #expect(error.context["kafka.operation"] == "CreateTopics")
        #expect(!error.isRetriable)
    }

    @Test("describeCluster lists every broker and the topics with their partition counts")
    func describeCluster() async throws {
        let kafka = try TestKafka(brokers: 3, label: "admin")
        let orders = try await kafka.createTopic("admin-orders", partitions: 6)
        let audit = try await kafka.createTopic("admin-audit", partitions: 1)
        let admin = try KafkaAdmin(configuration: kafka.kafkaConfiguration(), logger: kafka.logger)
        let description = try await admin.describeCluster(timeout: .seconds(20))
        await admin.close()

        if kafka.mock != nil {
            #expect(description.brokers.map(\.id).sorted() == [1, 2, 3])
            #expect(description.brokers.allSatisfy { !$0.host.isEmpty && $0.port > 0 })
            #expect(Set(description.brokers.map(\.port)).count == 3, "each broker listens on its own port")
        }
        #expect(description.brokers.map(\.id).contains(description.originatingBrokerID))
        #expect(description.topics[orders] == 6)
        #expect(description.topics[audit] == 1)
    }

    @Test("describeCluster against an unreachable cluster fails instead of hanging")
    func describeUnreachable() async throws {
        // Port 1 on loopback: nothing listens, connections are refused at once.
        var logger = Logger(label: "fangyi.test.admin")
        logger.logLevel = .critical
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1", statisticsInterval: nil), logger: logger)
        let error = await #expect(throws: KafkaError.self) {
            try await admin.describeCluster(timeout: .seconds(2))
        }
        await admin.close()
        #expect(error?.isRetriable == true, "a cluster that is away may come back: \(String(describing: error))")
    }
}
