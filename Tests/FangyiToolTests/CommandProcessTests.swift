import FangyiKafka
import FangyiTesting
import Foundation
import Logging
import Testing


/// The built `fangyi` executable run as an operator would: signals, files, exit codes.
@Suite("fangyi commands as processes")
struct CommandProcessTests {
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fangyi-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Starts `fangyi broker` in `directory` and returns it with its bootstrap address.
    static func startBroker(in directory: URL) async throws -> (ProcessRunner, String) {
        let broker = try await ProcessRunner.start(
            executableURL: try ProcessRunner.executableURL(named: "fangyi"),
            arguments: ["broker", "--brokers", "1"], workingDirectory: directory)
        let line = try await broker.waitForLine(containing: "bootstrap: ")
        let servers = String(line.text.dropFirst("bootstrap: ".count))
        return (broker, servers)
    }

    @Test("broker publishes its address, and SIGINT stops it cleanly and removes the file")
    func brokerLifecycle() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (broker, servers) = try await Self.startBroker(in: directory)
        let file = directory.appendingPathComponent(".fangyi/bootstrap")
        #expect(try String(contentsOf: file, encoding: .utf8) == servers + "\n")
        try await broker.waitForLine(containing: "development broker only", on: .standardError)
        try await broker.waitForLine(containing: "running", on: .standardError)

        broker.interrupt()
        #expect(await broker.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test("tail prints a produced record, and provision explains that the mock cannot create topics")
    func tailAndProvision() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (broker, servers) = try await Self.startBroker(in: directory)
        defer { broker.kill() }

        var logger = Logger(label: "fangyi.test.cli")
        logger.logLevel = .critical
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                kafka: KafkaConfiguration(bootstrapServers: servers, statisticsInterval: nil), linger: .milliseconds(1)),
            logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await producer.run() }
            try await producer.send(KafkaProducerMessage(
                topic: "alerts.v1", key: Array("area-1".utf8), value: Array(#"{"level":"high","ct":34.90}"#.utf8)))
            group.cancelAll()
        }

        // Run from the broker's directory without KAFKA_BOOTSTRAP_SERVERS: the bootstrap file is found.
        var environment = ProcessInfo.processInfo.environment
        environment["KAFKA_BOOTSTRAP_SERVERS"] = nil
        let fangyi = try ProcessRunner.executableURL(named: "fangyi")
        let tail = try await ProcessRunner.start(
            executableURL: fangyi, arguments: ["tail", "alerts.v1", "--from-beginning", "--count", "1"],
            environment: environment, inheritEnvironment: false, workingDirectory: directory)
        #expect(await tail.waitForExit() == 0)
        #expect(tail.standardOutput.contains("--- alerts.v1 partition"))
        #expect(tail.standardOutput.contains("key: area-1"))
        #expect(tail.standardOutput.contains(#"  "ct": 34.90"#))
        #expect(tail.standardError.contains("tailing alerts.v1 on \(servers)"))

        let provision = try await ProcessRunner.start(
            executableURL: fangyi, arguments: ["topics", "provision", "--replication-factor", "1"],
            environment: environment, inheritEnvironment: false, workingDirectory: directory)
        #expect(await provision.waitForExit() == 1)
        #expect(provision.standardError.contains("topics.create_unsupported"))
        #expect(provision.standardError.contains("creates every catalog topic itself"))
    }

    @Test("demo without service executables runs the broker and stops on SIGTERM")
    func demoWithoutServices() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = try await ProcessRunner.start(
            executableURL: try ProcessRunner.executableURL(named: "fangyi"),
            arguments: ["demo", "--brokers", "1", "--services-directory", directory.path], workingDirectory: directory)
        try await demo.waitForLine(containing: "bootstrap: ")
        try await demo.waitForLine(containing: "services skipped")
        try await demo.waitForLine(containing: "running the broker only", on: .standardError)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(".fangyi/bootstrap").path))

        demo.terminate()
        #expect(await demo.waitForExit() == 0)
        #expect(demo.standardError.contains("demo stopped"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".fangyi/bootstrap").path))
    }
}
