import FangyiEvents
import FangyiIntake
import FangyiTesting
import Foundation
import HummingbirdTesting
import NIOCore
import Testing

@Suite("fangyi-intake as a process")
struct IntakeProcessTests {
    static func labsFile() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fangyi-intake-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("labs.json")
        let json = #"{"labs":[{"id":"lab-p","defaultAreaCode":"371502","tokenSHA256":["\#(LabRegistry.hash(token: "token-p"))"]}]}"#
        try Data(json.utf8).write(to: file)
        return file
    }

    static let keys = [
        "FANGYI_SUBJECT_KEY": Data(repeating: 3, count: 32).base64EncodedString(),
        "FANGYI_CONTACT_KEY": "k1:" + Data(repeating: 5, count: 32).base64EncodedString(),
    ]

    @Test("serves lab results, is ready with a broker, and stops promptly on SIGTERM")
    func servesAndStops() async throws {
        let kafka = try TestKafka(brokers: 1, label: "intake-process")
        if let mock = kafka.mock {
            for topic in [TopicCatalog.labSubmissions, TopicCatalog.labResults, TopicCatalog.labReceipts] {
                try mock.createTopic(topic.name, partitions: 2)
            }
        }
        let labs = try Self.labsFile()
        defer { try? FileManager.default.removeItem(at: labs.deletingLastPathComponent()) }
        var environment = Self.keys
        environment["KAFKA_BOOTSTRAP_SERVERS"] = kafka.bootstrapServers
        environment["HTTP_PORT"] = "0"
        environment["INTAKE_LABS_FILE"] = labs.path
        environment["KAFKA_STATISTICS_INTERVAL_MS"] = "0"
        let intake = try await ProcessRunner.start(executableURL: try ProcessRunner.executableURL(named: "fangyi-intake"),
                                                   environment: environment)
        defer { intake.kill() }
        let line = try await intake.waitForLine(containing: "listening on", on: .standardError)
        let port = try #require(line.text.split(separator: ":").last.flatMap { Int($0.filter(\.isNumber)) })
        let body = Samples.jsonResult(specimen: "P-1")
        let answer = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let ready = try await client.get("/health/ready")
            let posted = try await client.post("/v1/results", headers: [.authorization: "Bearer token-p", .contentType: "application/json"],
                                               body: ByteBuffer(string: body))
            return (ready.status.code, posted.status.code, String(buffer: posted.body ?? ByteBuffer()))
        }
        #expect(answer.0 == 200)
        #expect(answer.1 == 200, "\(answer.2)")
        #expect(answer.2.contains(#""outcome":"accepted""#))
        intake.terminate()
        let status = try await withDeadline("intake exiting after SIGTERM", .seconds(20)) { await intake.waitForExit() }
        #expect(status == 0)
        #expect(intake.standardError.contains("stopped"))
        #expect(!intake.standardError.contains(TestLabs.nationalIDs[0]), "no national ID in the logs")
    }

    @Test("--help lists every variable; a missing key is a clear configuration error that echoes no secret")
    func helpAndConfigurationErrors() async throws {
        let executable = try ProcessRunner.executableURL(named: "fangyi-intake")
        let help = try await ProcessRunner.start(executableURL: executable, arguments: ["--help"])
        #expect(await help.waitForExit() == 0)
        for name in ["FANGYI_SUBJECT_KEY", "FANGYI_CONTACT_KEY", "INTAKE_LABS_FILE", "INTAKE_RATE_LIMIT", "KAFKA_BOOTSTRAP_SERVERS"] {
            #expect(help.standardOutput.contains(name), "\(name)")
        }
        let labs = try Self.labsFile()
        defer { try? FileManager.default.removeItem(at: labs.deletingLastPathComponent()) }
        let noKey = try await ProcessRunner.start(executableURL: executable, environment: [
            "FANGYI_CONTACT_KEY": "k1:not-base64-SECRETVALUE", "FANGYI_SUBJECT_KEY": "", "INTAKE_LABS_FILE": labs.path,
        ])
        #expect(await noKey.waitForExit() == 78)
        #expect(noKey.standardError.contains("FANGYI_SUBJECT_KEY"))
        #expect(!noKey.standardError.contains("SECRETVALUE"))
    }
}
