/// Settings shared by every Kafka client of a process: where the cluster is,
/// who we are, statistics, and any librdkafka property passed through.
///
/// A plain value (`Sendable`); build it once at start-up, usually with
/// ``fromEnvironment(_:)``.
public struct KafkaConfiguration: Sendable {
    /// `bootstrap.servers`: comma-separated `host:port` list. Default `localhost:9092`.
    public var bootstrapServers: String
    /// `client.id`, shown in broker logs and quotas. Default `fangyi`.
    public var clientID: String
    /// How often librdkafka emits statistics (parsed into metrics); `nil` turns them off.
    /// Default 5 seconds.
    public var statisticsInterval: Duration?
    /// Any librdkafka property by its dotted name (`security.protocol`,
    /// `sasl.mechanisms`, `ssl.ca.location`, ...). Applied after the typed fields,
    /// so it can override them. See librdkafka's CONFIGURATION.md.
    public var properties: [String: String]

    /// Creates a configuration with the documented defaults.
    public init(
        bootstrapServers: String = "localhost:9092",
        clientID: String = "fangyi",
        statisticsInterval: Duration? = .seconds(5),
        properties: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.statisticsInterval = statisticsInterval
        self.properties = properties
    }

    /// Builds a configuration from `KAFKA_*` environment variables.
    ///
    /// `KAFKA_BOOTSTRAP_SERVERS` and `KAFKA_CLIENT_ID` fill the typed fields;
    /// `KAFKA_STATISTICS_INTERVAL_MS` sets the statistics interval (0 turns them
    /// off); every other `KAFKA_X_Y` becomes the librdkafka property `x.y`
    /// (`KAFKA_SASL_MECHANISMS` → `sasl.mechanisms`), so TLS and SASL need no code.
    /// Variables this client sets itself per role (group id, idempotence) are
    /// not special-cased: a pass-through always wins, by design.
    public static func fromEnvironment(_ environment: [String: String], defaultBootstrapServers: String = "localhost:9092") -> KafkaConfiguration {
        var config = KafkaConfiguration(bootstrapServers: defaultBootstrapServers)
        for (name, value) in environment where name.hasPrefix("KAFKA_") {
            switch name {
            case "KAFKA_BOOTSTRAP_SERVERS": config.bootstrapServers = value
            case "KAFKA_CLIENT_ID": config.clientID = value
            case "KAFKA_STATISTICS_INTERVAL_MS":
                if let ms = Int(value) { config.statisticsInterval = ms > 0 ? .milliseconds(ms) : nil }
            default:
                let property = name.dropFirst("KAFKA_".count).lowercased().replacingOccurrences(of: "_", with: ".")
                config.properties[property] = value
            }
        }
        return config
    }

    /// The librdkafka properties this configuration stands for, before role-specific ones.
    func baseProperties() -> [String: String] {
        var props: [String: String] = [
            "bootstrap.servers": bootstrapServers,
            "client.id": clientID,
        ]
        if let interval = statisticsInterval {
            props["statistics.interval.ms"] = String(max(1, interval.milliseconds))
        }
        return props
    }
}

/// Producer settings: the defaults make every acknowledged message durable and
/// never duplicated by retries (idempotence, `acks=all`).
public struct KafkaProducerConfiguration: Sendable {
    /// Cluster, identity and pass-through properties.
    public var kafka: KafkaConfiguration
    /// `enable.idempotence`. Default `true` (implies `acks=all`).
    public var idempotent: Bool
    /// `linger.ms`: how long to wait to fill a batch. Default 5 ms.
    public var linger: Duration
    /// `message.timeout.ms`: how long a message may wait for acknowledgement
    /// before `send` fails with `_MSG_TIMED_OUT`. Default 60 s.
    public var deliveryTimeout: Duration
    /// `queue.buffering.max.messages`: local queue size; when full, `send` waits. Default 100,000.
    public var maxQueuedMessages: Int
    /// `compression.type`. Default `none`; `lz4` suits production links.
    public var compression: String
    /// How long ``KafkaProducer/run()`` waits at shutdown for queued messages. Default 10 s.
    public var flushTimeout: Duration

    /// Creates a producer configuration with the documented defaults.
    public init(
        kafka: KafkaConfiguration = KafkaConfiguration(),
        idempotent: Bool = true,
        linger: Duration = .milliseconds(5),
        deliveryTimeout: Duration = .seconds(60),
        maxQueuedMessages: Int = 100_000,
        compression: String = "none",
        flushTimeout: Duration = .seconds(10)
    ) {
        self.kafka = kafka
        self.idempotent = idempotent
        self.linger = linger
        self.deliveryTimeout = deliveryTimeout
        self.maxQueuedMessages = maxQueuedMessages
        self.compression = compression
        self.flushTimeout = flushTimeout
    }

    func properties() -> [String: String] {
        var props = kafka.baseProperties()
        props["enable.idempotence"] = idempotent ? "true" : "false"
        if idempotent { props["acks"] = "all" }
        props["linger.ms"] = String(linger.milliseconds)
        props["message.timeout.ms"] = String(max(1, deliveryTimeout.milliseconds))
        props["queue.buffering.max.messages"] = String(maxQueuedMessages)
        props["compression.type"] = compression
        return props.merging(kafka.properties) { _, passThrough in passThrough }
    }
}

/// Consumer settings: a consumer group with cooperative-sticky assignment,
/// offsets stored only after processing and committed automatically.
public struct KafkaConsumerConfiguration: Sendable {
    /// Cluster, identity and pass-through properties.
    public var kafka: KafkaConfiguration
    /// `group.id`. Required.
    public var groupID: String
    /// `group.instance.id` for static membership (e.g. the pod name); `nil` for dynamic.
    public var groupInstanceID: String?
    /// `session.timeout.ms`: how long a silent member keeps its partitions. Default 45 s.
    public var sessionTimeout: Duration
    /// `heartbeat.interval.ms`. Default 3 s.
    public var heartbeatInterval: Duration
    /// `auto.offset.reset` for partitions without a committed offset. Default `earliest`
    /// (a new group must not skip results already on the topic).
    public var autoOffsetReset: String
    /// `auto.commit.interval.ms`: how often stored offsets are committed. Default 1 s.
    public var commitInterval: Duration
    /// `max.poll.interval.ms`: the longest a batch may take before the member is
    /// considered stuck. Default 300 s.
    public var maxPollInterval: Duration

    /// Creates a consumer configuration with the documented defaults.
    public init(
        kafka: KafkaConfiguration = KafkaConfiguration(),
        groupID: String,
        groupInstanceID: String? = nil,
        sessionTimeout: Duration = .seconds(45),
        heartbeatInterval: Duration = .seconds(3),
        autoOffsetReset: String = "earliest",
        commitInterval: Duration = .seconds(1),
        maxPollInterval: Duration = .seconds(300)
    ) {
        self.kafka = kafka
        self.groupID = groupID
        self.groupInstanceID = groupInstanceID
        self.sessionTimeout = sessionTimeout
        self.heartbeatInterval = heartbeatInterval
        self.autoOffsetReset = autoOffsetReset
        self.commitInterval = commitInterval
        self.maxPollInterval = maxPollInterval
    }

    func properties() -> [String: String] {
        var props = kafka.baseProperties()
        props["group.id"] = groupID
        if let instance = groupInstanceID { props["group.instance.id"] = instance }
        props["partition.assignment.strategy"] = "cooperative-sticky"
        props["enable.auto.offset.store"] = "false"
        props["enable.auto.commit"] = "true"
        props["auto.commit.interval.ms"] = String(max(1, commitInterval.milliseconds))
        props["auto.offset.reset"] = autoOffsetReset
        props["session.timeout.ms"] = String(sessionTimeout.milliseconds)
        props["heartbeat.interval.ms"] = String(heartbeatInterval.milliseconds)
        props["max.poll.interval.ms"] = String(maxPollInterval.milliseconds)
        props["enable.partition.eof"] = "false"
        return props.merging(kafka.properties) { _, passThrough in passThrough }
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
