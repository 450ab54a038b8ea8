/// One Kafka topic of the Fangyi catalog: its name, what its key is, its size and retention,
/// and the event types it carries.
///
/// The dev broker and `fangyi topics provision` create topics from these values, so changing
/// one is an operational change (partitions can only grow; growing them moves keys between
/// partitions and breaks per-key ordering during the move). Replication factor and
/// `min.insync.replicas` depend on the cluster and are chosen at provisioning, not here.
///
/// Concurrency: an immutable `Sendable` value.
public struct Topic: Sendable, Hashable, CustomStringConvertible {
    /// How Kafka discards old records.
    public enum CleanupPolicy: String, Sendable, Hashable {
        /// Delete segments older than the retention (every Fangyi event topic).
        case delete
        /// Keep the latest record per key.
        case compact
        /// Compact, and also delete past the retention.
        case compactDelete = "compact,delete"
    }

    /// The topic name, like `lab.results.v1`.
    public let name: String
    /// What the record key is, in words: `subject ref`, `lab id`, ...
    public let key: String
    /// The partition count: the most instances of a consumer group that can share the work.
    public let partitions: Int
    /// How long records are kept.
    public let retention: Duration
    /// How old records are discarded.
    public let cleanupPolicy: CleanupPolicy
    /// The `ce_type`s of the events the topic carries; empty for topics whose records are not
    /// Fangyi events (lab submissions in the labs' own formats, dead letters).
    public let eventTypes: [String]
    /// What flows on the topic, from whom to whom.
    public let summary: String

    /// Creates a topic description. Concurrency: pure.
    public init(
        name: String, key: String, partitions: Int, retention: Duration,
        cleanupPolicy: CleanupPolicy = .delete, eventTypes: [String], summary: String
    ) {
        self.name = name
        self.key = key
        self.partitions = partitions
        self.retention = retention
        self.cleanupPolicy = cleanupPolicy
        self.eventTypes = eventTypes
        self.summary = summary
    }

    /// The retention in whole milliseconds (Kafka's `retention.ms`). Concurrency: pure.
    public var retentionMilliseconds: Int64 {
        let (seconds, attoseconds) = retention.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// The topic-level Kafka configuration to create the topic with (`cleanup.policy`,
    /// `retention.ms`). Concurrency: pure.
    public var kafkaConfig: [String: String] {
        ["cleanup.policy": cleanupPolicy.rawValue, "retention.ms": String(retentionMilliseconds)]
    }

    /// Whether the topic carries events of type `eventType` (a `ce_type`). Concurrency: pure.
    public func carries(_ eventType: String) -> Bool { eventTypes.contains(eventType) }

    /// Whether this is a dead-letter topic (`<group>.dlq.v1`).
    public var isDeadLetter: Bool { name.hasSuffix(Self.deadLetterSuffix) }

    /// The topic name. Concurrency: pure.
    public var description: String { name }

    /// The suffix of every dead-letter topic.
    public static let deadLetterSuffix = ".dlq.v1"

    /// The dead-letter topic of consumer group `group`: `<group>.dlq.v1`, keyed by the original
    /// record's key, 3 partitions, kept 14 days so operations can inspect and replay.
    ///
    /// Kafka topic names allow only `A–Z a–z 0–9 . _ -`; any other character of the group id is
    /// replaced by `_`, and the group part is cut to fit Kafka's 249-character limit.
    /// Concurrency: pure.
    public static func deadLetterTopic(forGroup group: String) -> Topic {
        var safe = String(String.UnicodeScalarView(group.unicodeScalars.map { scalar in
            let allowed = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || scalar == "." || scalar == "_" || scalar == "-")
            return allowed ? scalar : "_"
        }))
        if safe.isEmpty { safe = "_" }
        let name = String(safe.prefix(249 - deadLetterSuffix.count)) + deadLetterSuffix
        return Topic(
            name: name, key: "original key", partitions: 3, retention: .seconds(14 * 86_400),
            eventTypes: [],
            summary: "Records consumer group '\(group)' could not decode or kept failing, with headers naming the error and its origin → operations."
        )
    }
}
