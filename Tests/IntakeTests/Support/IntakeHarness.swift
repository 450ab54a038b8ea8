import FangyiEvents
import FangyiIntake
import FangyiKafka
import FangyiService
import FangyiTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization

/// Two labs with known tokens, and the keys intake needs, for tests.
enum TestLabs {
    static let tokenA = "token-lab-a"
    static let tokenB = "token-lab-b"
    static let labA = LabAccount(id: "lab-a", name: "Lab A", defaultAreaCode: "371502",
                                 tokenSHA256: [LabRegistry.hash(token: tokenA)], requestsPerSecond: 100_000)
    static let labB = LabAccount(id: "lab-b", name: "Lab B", defaultAreaCode: nil,
                                 tokenSHA256: [LabRegistry.hash(token: tokenB)], requestsPerSecond: 2)

    static func registry() throws -> LabRegistry { try LabRegistry(labs: [labA, labB]) }

    static let subjects: SubjectRefGenerator = {
        do { return try SubjectRefGenerator(key: Array(repeating: 7, count: 32)) } catch { preconditionFailure("test key") }
    }()
    static let sealer: ContactSealer = {
        do { return try ContactSealer(keys: [ContactKey(id: "k1", bytes: Array(repeating: 9, count: 32))]) } catch { preconditionFailure("test key") }
    }()

    static func validator(_ policy: InterpretationPolicy = .default) -> ResultValidator {
        ResultValidator(policy: policy, subjects: subjects, sealer: sealer)
    }

    /// Valid PRC resident IDs (checksums correct).
    static let nationalIDs = ["11010519491231002X", "440524188001010014", "371502199001011234"]

    /// The `n`th of many distinct valid resident IDs (born 1990-01-01; n < 1,000,000).
    static func nationalID(_ n: Int) -> String {
        let stem = String(format: "%06d19900101%03d", 110101 + n / 1000, n % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(stem.compactMap(\.wholeNumberValue), weights).map(*).reduce(0, +)
        return stem + String(Array("10X98765432")[sum % 11])
    }
}

/// Log records captured in memory, to check that no personal data is logged.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { _ in Handler(sink: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            sink.append("\(event.level) \(event.message) \(merged)")
        }
    }
}

/// A running intake (HTTP router and optionally the Kafka entry) against a fresh mock cluster.
struct IntakeHarness: Sendable {
    let kafka: TestKafka
    let producer: KafkaProducer
    let processor: SubmissionProcessor
    let labs: LabDirectory
    let logs: CapturedLogs
    let configuration: IntakeConfiguration

    static let intakeTopics = [TopicCatalog.labSubmissions, TopicCatalog.labResults, TopicCatalog.labReceipts,
                               TopicCatalog.labSubmissionsDeadLetter]

    /// Runs `body` with intake's producer running; shuts it down after.
    static func run<T: Sendable>(
        brokers: Int = 1,
        publishTimeout: Duration = .seconds(10),
        maxBodyBytes: Int = 32 << 20,
        _ body: @Sendable (IntakeHarness) async throws -> T
    ) async throws -> T {
        let kafka = try TestKafka(brokers: brokers, label: "intake")
        if let mock = kafka.mock {
            // Enough partitions that a 10,000-result batch stays under the mock's ~5 MB per partition.
            for topic in intakeTopics { try mock.createTopic(topic.name, partitions: 16) }
        }
        let logs = CapturedLogs()
        let logger = logs.logger("fangyi.intake.test")
        var configuration = try IntakeConfiguration.fromEnvironment(EnvironmentReader([:]))
        configuration.maxBodyBytes = maxBodyBytes
        configuration.publishTimeout = publishTimeout
        let settings = configuration
        let producerConfiguration = KafkaProducerConfiguration(kafka: kafka.kafkaConfiguration(), linger: .milliseconds(2),
                                                               deliveryTimeout: publishTimeout)
        return try await kafka.withProducer(producerConfiguration, logger: logger) { producer in
            let labs = LabDirectory(registry: try TestLabs.registry(), logger: logger)
            let harness = IntakeHarness(
                kafka: kafka, producer: producer,
                processor: SubmissionProcessor(validator: TestLabs.validator(), publisher: ResultPublisher(producer: producer), logger: logger),
                labs: labs, logs: logs, configuration: settings)
            return try await body(harness)
        }
    }

    /// The HTTP application over this intake.
    func application() -> some ApplicationProtocol {
        let router = ServiceHTTP.makeRouter()
        IntakeAPI(labs: labs, processor: processor, configuration: configuration).register(on: router)
        return ServiceHTTP.makeApplication(router: router, host: "127.0.0.1", port: 0, serverName: "fangyi-intake-test",
                                           logger: logs.logger("fangyi.intake.http"))
    }

    /// Every record on `topic` so far (from a group of its own), once `done` holds.
    func records(on topic: String, group: String, until done: @escaping @Sendable ([KafkaMessage]) -> Bool) async throws -> [KafkaMessage] {
        let consumer = try KafkaConsumer(configuration: kafka.consumerConfiguration(group: group), topics: [topic], logger: kafka.logger)
        let read = try await consumer.read(until: done)
        await consumer.close()
        return read
    }
}

/// Builders of valid submissions.
enum Samples {
    static let collected = "2022-03-14T08:30:00+08:00"
    static let reported = "2022-03-14T14:00:00+08:00"

    static func jsonResult(specimen: String, nationalID: String = TestLabs.nationalIDs[0], orf1ab: Double? = 38.5, n: Double? = nil,
                           extra: String = "") -> String {
        let targets = [("ORF1ab", orf1ab), ("N", n)].map { name, ct in
            ct.map { #"{"target":"\#(name)","ct":\#($0)}"# } ?? #"{"target":"\#(name)"}"#
        }.joined(separator: ",")
        return """
            {"specimenId":"\(specimen)","testCode":"94500-6","specimenType":"258529004","collectedAt":"\(collected)",\
            "reportedAt":"\(reported)","targets":[\(targets)],\
            "person":{"nationalId":"\(nationalID)","name":"张三","phone":"13800138000","areaCode":"371502"}\(extra)}
            """
    }

    static func batch(_ items: [String], submissionId: String = "batch-1") -> String {
        #"{"submissionId":"\#(submissionId)","results":[\#(items.joined(separator: ","))]}"#
    }
}
