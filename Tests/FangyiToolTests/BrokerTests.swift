import FangyiEvents
import FangyiKafka
import Foundation
import Logging
import Testing
@testable import fangyi

@Suite("fangyi development broker")
struct BrokerTests {
    static let logger: Logger = {
        var logger = Logger(label: "fangyi.test.tool")
        logger.logLevel = .critical
        return logger
    }()

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fangyi-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("the cluster has every provisioned topic with its partition count")
    func cluster() async throws {
        let cluster = try DevBroker.makeCluster(brokers: 2, logger: Self.logger)
        let admin = try KafkaAdmin(
            configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, statisticsInterval: nil),
            logger: Self.logger)
        let description = try await admin.describeCluster(timeout: .seconds(20))
        await admin.close()
        #expect(description.brokers.count == 2)
        for topic in TopicCatalog.provisionedTopics {
            #expect(description.topics[topic.name] == topic.partitions, "\(topic.name)")
        }
    }

    @Test("run publishes the address in the bootstrap file and removes it when stopped")
    func runLifecycle() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = BootstrapFile(path: directory.appendingPathComponent("nested/bootstrap").path)
        let broker = DevBroker(brokers: 1, bootstrapFile: file, logger: Self.logger)
        let running = Task { try await broker.run() }
        let servers = try await broker.bootstrapServers()
        #expect(servers.hasPrefix("127.0.0.1:"))
        #expect(file.read() == servers)
        running.cancel()
        try await running.value
        #expect(file.read() == nil)
    }

    @Test("the bootstrap file is removed only while it still names this broker")
    func bootstrapFileOwnership() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = BootstrapFile(path: directory.appendingPathComponent("bootstrap").path)
        try file.write("127.0.0.1:1111")
        try file.write("127.0.0.1:2222")
        #expect(!file.remove(ifNaming: "127.0.0.1:1111"), "another broker wrote the file since")
        #expect(file.read() == "127.0.0.1:2222")
        #expect(file.remove(ifNaming: "127.0.0.1:2222"))
        #expect(file.read() == nil)
    }

    @Test("a cluster without CreateTopics is explained with a pointer to fangyi broker")
    func unsupportedExplained() {
        let error = TopicsProvisionCommand.explain(
            KafkaError(code: -165, name: "_UNSUPPORTED_FEATURE", message: "no controller"),
            bootstrapServers: "127.0.0.1:9")
        #expect(error.code == "topics.create_unsupported")
        #expect(error.message.contains("fangyi broker"))
        #expect(error.message.contains("creates every catalog topic itself"))
        let unreachable = TopicsProvisionCommand.explain(
            KafkaError(code: -195, name: "_TRANSPORT", message: "refused"), bootstrapServers: "127.0.0.1:9")
        #expect(unreachable.code == "topics.unreachable")
    }
}
