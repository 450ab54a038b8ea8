import ArgumentParser
import FangyiEvents
import FangyiKafka
import Foundation

/// `fangyi tail TOPIC`: prints a topic's records as they arrive.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print a topic's records: partition, offset, key, CloudEvents headers and JSON payload.",
        discussion: """
            Joins a throwaway consumer group (fangyi-tail-<random>, nothing committed) unless \
            --group names one, in which case the offsets of printed records are committed so \
            that the next tail with that group resumes after them. Stops after --count records \
            or on Ctrl-C, leaving the group at once.

            Payloads of lab.submissions.v1 and its dead letters are the labs' raw formats with \
            personal data in plain text; they are withheld unless --reveal-submissions is given.

            \(ToolEnvironment.helpSection(ToolEnvironment.kafkaVariables))
            """
    )

    @Argument(help: "The topic, like lab.results.v1 (see fangyi topics list).")
    var topic: String

    @Flag(help: "Start at the oldest retained record instead of only new ones (for a new group).")
    var fromBeginning = false

    @Option(help: "Stop after this many records.")
    var count: Int?

    @Option(help: "Consumer group id; default a throwaway fangyi-tail-<random>.")
    var group: String?

    @Flag(help: "Print payloads of raw lab submissions too (they contain personal data).")
    var revealSubmissions = false

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let group, group.isEmpty { throw ValidationError("--group must not be empty") }
    }

    func run() async throws {
        let logger = try ToolEnvironment.logger("fangyi.tail")
        let kafka = try ToolEnvironment.kafkaConfiguration()
        let groupID = group ?? "fangyi-tail-\(UUID().uuidString.prefix(8).lowercased())"
        let configuration = KafkaConsumerConfiguration(
            kafka: kafka, groupID: groupID, sessionTimeout: .seconds(10), heartbeatInterval: .seconds(1),
            autoOffsetReset: fromBeginning ? "earliest" : "latest")
        if TopicCatalog.provisionedTopics.allSatisfy({ $0.name != topic }) {
            Console.err("note: \(topic) is not a catalog topic (fangyi topics list)")
        }
        let consumer = try KafkaConsumer(configuration: configuration, topics: [topic], logger: logger)
        Console.err("""
            tailing \(topic) on \(kafka.bootstrapServers) as group \(groupID), \
            \(fromBeginning ? "from the beginning" : "new records only")\(count.map { ", \($0) record\($0 == 1 ? "" : "s")" } ?? ""); Ctrl-C stops
            """)
        let tail = TailService(
            consumer: consumer, printer: RecordPrinter(revealSubmissions: revealSubmissions),
            limit: count, storesOffsets: group != nil)
        try await ToolLifecycle.run([tail], gracePeriod: .seconds(10), logger: logger)
    }
}
