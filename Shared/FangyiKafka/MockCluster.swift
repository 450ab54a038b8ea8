import CRdKafka
public import Logging

/// librdkafka's in-memory mock Kafka cluster (`rdkafka_mock.h`): real Kafka
/// protocol on loopback TCP, data in memory only. For tests and the local dev
/// broker — never for production.
///
/// Safe to use from any task; the cluster lives until this object is released.
public final class MockCluster: Sendable {
    private let handle: RdKafkaHandle
    nonisolated(unsafe) private let cluster: OpaquePointer
    /// The `bootstrap.servers` string clients use to reach the cluster.
    public let bootstrapServers: String
    /// The broker ids (1...n).
    public let brokerIDs: [Int32]

    /// Starts a mock cluster with `brokers` brokers listening on loopback ports.
    public init(brokers: Int = 3, logger: Logger) throws(KafkaError) {
        let context = ClientContext(logger: logger, role: "mock", clientID: "fangyi-mock", isProducer: true, statisticsObserver: nil)
        handle = try RdKafkaHandle(kind: .producer, properties: ["client.id": "fangyi-mock-cluster"], context: context)
        guard let cluster = rd_kafka_mock_cluster_new(handle.pointer, Int32(brokers)) else {
            let handle = self.handle
            DedicatedThread.detach(name: "kafka-mock-destroy") { handle.destroy() }
            throw KafkaError.client("mock.create_failed", "could not start a mock cluster with \(brokers) brokers")
        }
        self.cluster = cluster
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        self.brokerIDs = (1...Int32(max(brokers, 1))).map { $0 }
    }

    deinit {
        let cluster = UncheckedPointer(self.cluster)
        let handle = self.handle
        DedicatedThread.detach(name: "kafka-mock-destroy") {
            rd_kafka_mock_cluster_destroy(cluster.pointer)
            handle.destroy()
        }
    }

    /// Creates a topic with `partitions` partitions (replication factor capped at the broker count).
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        let rf = Int32(min(max(replicationFactor, 1), brokerIDs.count))
        let err = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), rf)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
            throw KafkaError(err, context: ["kafka.topic": name])
        }
    }

    /// Takes a broker down: its connections are closed and it refuses new ones.
    public func setBrokerDown(_ brokerID: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_down(cluster, brokerID), "broker_set_down")
    }

    /// Brings a broker back up.
    public func setBrokerUp(_ brokerID: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_up(cluster, brokerID), "broker_set_up")
    }

    /// Sets a broker's round-trip time.
    public func setRoundTripTime(_ brokerID: Int32, _ rtt: Duration) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_rtt(cluster, brokerID, Int32(clamping: rtt.milliseconds)), "broker_set_rtt")
    }

    /// Makes `brokerID` the leader of a partition.
    public func setPartitionLeader(topic: String, partition: Int32, brokerID: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_partition_set_leader(cluster, topic, partition, brokerID), "partition_set_leader")
    }

    /// Makes the next requests with Kafka API key `apiKey` (0 Produce, 1 Fetch, 8 OffsetCommit, ...)
    /// fail with the given librdkafka error codes, one per request, in order.
    public func pushRequestErrors(apiKey: Int16, errorCodes: [Int32]) {
        var errors = errorCodes.map { rd_kafka_resp_err_t(rawValue: $0) }
        errors.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster, apiKey, buffer.count, buffer.baseAddress)
        }
    }

    /// Clears errors queued by ``pushRequestErrors(apiKey:errorCodes:)``.
    public func clearRequestErrors(apiKey: Int16) {
        rd_kafka_mock_clear_request_errors(cluster, apiKey)
    }

    private func check(_ err: rd_kafka_resp_err_t, _ what: String) throws(KafkaError) {
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, context: ["kafka.mock": what]) }
    }
}

/// A raw pointer moved into a closure that runs on another thread.
/// `@unchecked Sendable`: librdkafka handles are thread-safe.
struct UncheckedPointer: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}
