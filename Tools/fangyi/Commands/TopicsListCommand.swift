import ArgumentParser
import FangyiEvents

/// `fangyi topics list`: prints the catalog; needs no broker.
struct TopicsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Print every topic of the catalog: name, key, partitions, retention, event types.",
        discussion: """
            Includes the dead-letter topic of each service's consumer group, as `fangyi broker` \
            and `fangyi topics provision` create them. Needs no broker and reads no environment.
            """
    )

    func run() {
        let header = ["TOPIC", "KEY", "PARTITIONS", "RETENTION", "CLEANUP", "EVENT TYPES"]
        let rows = TopicCatalog.provisionedTopics.map { topic in
            [
                topic.name, topic.key, String(topic.partitions), Self.describe(topic.retention),
                topic.cleanupPolicy.rawValue,
                topic.eventTypes.isEmpty ? (topic.isDeadLetter ? "(dead letters: original records)" : "(lab formats: JSON, FHIR R4, HL7 v2, CSV)") : topic.eventTypes.joined(separator: "\n"),
            ]
        }
        TextTable(header: header, rows: rows).lines().forEach(Console.out)
    }

    /// `28d`, `12h` or `90s`: the largest whole unit.
    static func describe(_ retention: Duration) -> String {
        let seconds = retention.components.seconds
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        return "\(seconds)s"
    }
}
