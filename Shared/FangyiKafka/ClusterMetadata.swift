import CRdKafka

/// What the cluster says about itself: brokers and topics with their partition counts.
public struct ClusterDescription: Sendable {
    /// A broker of the cluster.
    public struct Broker: Sendable, Hashable {
        /// The broker id.
        public var id: Int32
        /// Its advertised host.
        public var host: String
        /// Its advertised port.
        public var port: Int32
    }
    /// The brokers the cluster advertises.
    public var brokers: [Broker]
    /// The id of the broker that answered.
    public var originatingBrokerID: Int32
    /// Topic name → partition count, for every topic the cluster knows.
    public var topics: [String: Int]
}

enum ClusterMetadata {
    /// Fetches cluster metadata with a blocking librdkafka call on a dedicated thread.
    static func describe(_ handle: RdKafkaHandle, timeout: Duration) async throws(KafkaError) -> ClusterDescription {
        let ms = Int32(clamping: timeout.milliseconds)
        let result: Result<ClusterDescription, KafkaError> = await DedicatedThread.run(name: "kafka-metadata") {
            var metadata: UnsafePointer<rd_kafka_metadata>? = nil
            let err = rd_kafka_metadata(handle.pointer, 1, nil, &metadata, ms)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let md = metadata else {
                return .failure(KafkaError(err, context: ["kafka.operation": "metadata"]))
            }
            defer { rd_kafka_metadata_destroy(md) }
            var brokers: [ClusterDescription.Broker] = []
            for i in 0..<Int(md.pointee.broker_cnt) {
                let b = md.pointee.brokers[i]
                brokers.append(.init(id: b.id, host: String(cString: b.host), port: b.port))
            }
            var topics: [String: Int] = [:]
            for i in 0..<Int(md.pointee.topic_cnt) {
                let t = md.pointee.topics[i]
                if t.err == RD_KAFKA_RESP_ERR_NO_ERROR { topics[String(cString: t.topic)] = Int(t.partition_cnt) }
            }
            return .success(ClusterDescription(brokers: brokers, originatingBrokerID: md.pointee.orig_broker_id, topics: topics))
        }
        return try result.get()
    }

    /// Succeeds when some broker answers a metadata request within `timeout`.
    static func check(_ handle: RdKafkaHandle, timeout: Duration) async throws(KafkaError) {
        _ = try await describe(handle, timeout: timeout)
    }
}
