import CRdKafka
public import Logging

/// A topic to create: name, partitions, replication and topic-level configs
/// (`retention.ms`, `cleanup.policy`, ...).
public struct TopicSpecification: Sendable, Hashable {
    /// The topic name.
    public var name: String
    /// The number of partitions.
    public var partitions: Int
    /// The replication factor (3 in production; 1 on a single-broker dev cluster).
    public var replicationFactor: Int
    /// Topic configuration entries.
    public var configs: [String: String]

    /// Creates a topic specification.
    public init(name: String, partitions: Int, replicationFactor: Int = 3, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}

/// The outcome of creating one topic.
public enum TopicCreationOutcome: Sendable, Equatable {
    /// The topic was created.
    case created
    /// The topic existed already (not an error for provisioning).
    case alreadyExists
}

/// Cluster administration: create topics, describe the cluster.
///
/// Each call blocks a dedicated thread, never the cooperative pool. Safe to
/// use concurrently; call ``close()`` when done.
public final class KafkaAdmin: Sendable {
    private let handle: RdKafkaHandle

    /// Creates an admin client on `configuration`'s cluster.
    public init(configuration: KafkaConfiguration, logger: Logger) throws(KafkaError) {
        var props = configuration.baseProperties()
        props["statistics.interval.ms"] = "0"
        props.merge(configuration.properties) { _, passThrough in passThrough }
        let context = ClientContext(logger: logger, role: "admin", clientID: configuration.clientID, isProducer: true, statisticsObserver: nil)
        handle = try RdKafkaHandle(kind: .producer, properties: props, context: context)
    }

    /// Releases the client.
    public func close() async {
        let handle = self.handle
        await DedicatedThread.run(name: "kafka-admin-destroy") { handle.destroy() }
    }

    /// Brokers and topics of the cluster.
    public func describeCluster(timeout: Duration = .seconds(10)) async throws(KafkaError) -> ClusterDescription {
        try await ClusterMetadata.describe(handle, timeout: timeout)
    }

    /// Creates topics; a topic that exists already is reported as ``TopicCreationOutcome/alreadyExists``.
    ///
    /// Throws for request-level failures — an unreachable cluster, or one that
    /// cannot create topics (`_UNSUPPORTED_FEATURE`: no controller in its metadata,
    /// as librdkafka's mock cluster, or no CreateTopics API) — and returns
    /// per-topic results otherwise.
    public func createTopics(_ topics: [TopicSpecification], timeout: Duration = .seconds(30)) async throws(KafkaError) -> [String: Result<TopicCreationOutcome, KafkaError>] {
        let handle = self.handle
        let ms = Int32(clamping: timeout.milliseconds)
        let result: Result<[String: Result<TopicCreationOutcome, KafkaError>], KafkaError> = await DedicatedThread.run(name: "kafka-admin") {
            var errbuf = [CChar](repeating: 0, count: 512)
            // CreateTopics goes to the controller. A cluster whose metadata names no broker
            // as controller (librdkafka's mock cluster says controller 0, its brokers are
            // 1...n) would leave the request waiting out the whole timeout and then report a
            // bare time-out: ask for metadata first (which also records the controller id)
            // and refuse at once when the controller is not one of the brokers.
            var metadata: UnsafePointer<rd_kafka_metadata>? = nil
            let metadataErr = rd_kafka_metadata(handle.pointer, 0, nil, &metadata, ms)
            guard metadataErr == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
                return .failure(KafkaError(metadataErr, context: ["kafka.operation": "CreateTopics"]))
            }
            let controller = rd_kafka_controllerid(handle.pointer, 0)
            let brokerIDs = (0..<Int(metadata.pointee.broker_cnt)).map { metadata.pointee.brokers[$0].id }
            rd_kafka_metadata_destroy(metadata)
            guard brokerIDs.contains(controller) else {
                return .failure(KafkaError(
                    RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE,
                    message: "its metadata names no live controller (controller id \(controller)), as librdkafka's mock cluster, which has no CreateTopics",
                    context: ["kafka.operation": "CreateTopics"]))
            }
            var newTopics: [OpaquePointer?] = []
            defer { newTopics.forEach { rd_kafka_NewTopic_destroy($0) } }
            for spec in topics {
                guard let nt = rd_kafka_NewTopic_new(spec.name, Int32(spec.partitions), Int32(spec.replicationFactor), &errbuf, errbuf.count) else {
                    return .failure(.client("admin.invalid_topic", "topic '\(spec.name)': \(string(fromErrorBuffer: errbuf))", context: ["kafka.topic": spec.name]))
                }
                newTopics.append(nt)
                for (key, value) in spec.configs.sorted(by: { $0.key < $1.key }) {
                    let err = rd_kafka_NewTopic_set_config(nt, key, value)
                    if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                        return .failure(KafkaError(err, context: ["kafka.topic": spec.name, "kafka.config": key]))
                    }
                }
            }
            guard let queue = rd_kafka_queue_new(handle.pointer) else {
                return .failure(.client("admin.queue", "could not create a result queue"))
            }
            defer { rd_kafka_queue_destroy(queue) }
            let options = rd_kafka_AdminOptions_new(handle.pointer, RD_KAFKA_ADMIN_OP_CREATETOPICS)
            defer { rd_kafka_AdminOptions_destroy(options) }
            _ = rd_kafka_AdminOptions_set_operation_timeout(options, ms, &errbuf, errbuf.count)
            _ = rd_kafka_AdminOptions_set_request_timeout(options, ms, &errbuf, errbuf.count)
            newTopics.withUnsafeMutableBufferPointer { buffer in
                rd_kafka_CreateTopics(handle.pointer, buffer.baseAddress, buffer.count, options, queue)
            }
            guard let event = rd_kafka_queue_poll(queue, ms + 1000) else {
                return .failure(KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, context: ["kafka.operation": "CreateTopics"]))
            }
            defer { rd_kafka_event_destroy(event) }
            let err = rd_kafka_event_error(event)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                let message = rd_kafka_event_error_string(event).map { String(cString: $0) }
                let detail = err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE
                    ? "the broker does not support CreateTopics (\(message ?? "unsupported")); create topics with the broker's own tools or `fangyi broker`"
                    : message
                return .failure(KafkaError(err, message: detail, context: ["kafka.operation": "CreateTopics"]))
            }
            guard let created = rd_kafka_event_CreateTopics_result(event) else {
                return .failure(.client("admin.bad_result", "CreateTopics returned no result"))
            }
            var count = 0
            guard let results = rd_kafka_CreateTopics_result_topics(created, &count) else { return .success([:]) }
            var outcome: [String: Result<TopicCreationOutcome, KafkaError>] = [:]
            for i in 0..<count {
                let topic = results[i]
                let name = String(cString: rd_kafka_topic_result_name(topic))
                let terr = rd_kafka_topic_result_error(topic)
                switch terr {
                case RD_KAFKA_RESP_ERR_NO_ERROR: outcome[name] = .success(.created)
                case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: outcome[name] = .success(.alreadyExists)
                default:
                    let msg = rd_kafka_topic_result_error_string(topic).map { String(cString: $0) }
                    outcome[name] = .failure(KafkaError(terr, message: msg, context: ["kafka.topic": name]))
                }
            }
            return .success(outcome)
        }
        return try result.get()
    }
}
