import CRdKafka
#if canImport(Glibc)
import Glibc
#endif
public import Logging
import Synchronization

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
    /// Sockets holding the listening ports of brokers that are down, by broker id (see ``setBrokerDown(_:)``).
    private let reservedPorts = Mutex<[Int32: [(port: UInt16, fd: Int32)]]>([:])

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
        for slot in reservedPorts.withLock({ $0.values.flatMap { $0 } }) { close(slot.fd) }
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
    ///
    /// librdkafka 2.0.2 closes the broker's listening socket and, on ``setBrokerUp(_:)``,
    /// aborts the whole process if it cannot listen on the same port again. Any socket of
    /// the process or the machine may take that free port meanwhile (a client's ephemeral
    /// port), so the port is held here, bound but not listening (connections are still
    /// refused), until the broker comes back.
    public func setBrokerDown(_ brokerID: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_down(cluster, brokerID), "broker_set_down")
        let servers = bootstrapServers
        reservedPorts.withLock { reserved in
            // Never a second socket on a port already held: the broker that owns it could not listen again.
            let held = Set(reserved.values.flatMap { $0.map(\.port) })
            for port in Self.bootstrapPorts(servers) where !held.contains(port) {
                if let fd = Self.reserve(port) { reserved[brokerID, default: []].append((port, fd)) }
            }
        }
    }

    /// Brings a broker back up (releasing the port held for it just before).
    public func setBrokerUp(_ brokerID: Int32) throws(KafkaError) {
        let held = reservedPorts.withLock { $0.removeValue(forKey: brokerID) ?? [] }
        for slot in held { close(slot.fd) }
        try check(rd_kafka_mock_broker_set_up(cluster, brokerID), "broker_set_up")
    }

    private static func bootstrapPorts(_ servers: String) -> [UInt16] {
        servers.split(separator: ",").compactMap { $0.split(separator: ":").last.flatMap { UInt16($0) } }
    }

    /// Binds 127.0.0.1:`port` without listening; nil when the port is in use (a live broker's).
    private static func reserve(_ port: UInt16) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            return nil
        }
        return fd
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
