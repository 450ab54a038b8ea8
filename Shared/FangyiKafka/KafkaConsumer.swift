import CRdKafka
public import Logging
import Synchronization

/// A consumer-group member over librdkafka.
///
/// Messages are read from the one consumer queue (the main queue is forwarded
/// to it with `rd_kafka_poll_set_consumer`) with non-blocking polls; when the
/// queue is empty the reading task suspends until librdkafka's queue event
/// callback wakes it. Assignment is cooperative-sticky; offsets are stored
/// explicitly after processing (``storeOffsets(for:)``) and committed
/// automatically in the background and on revocation.
///
/// One task reads (``nextBatch(maxMessages:)`` or ``messages(batchSize:)``); the
/// other methods may be called from any task. Call ``close()`` to leave the
/// group cleanly; breaking out of a `for await` over ``messages(batchSize:)``
/// closes the consumer by itself.
public final class KafkaConsumer: Sendable {
    private let handle: RdKafkaHandle
    nonisolated(unsafe) private let queue: OpaquePointer
    private let wakeup = AsyncWakeup()
    private let coordinator: RebalanceCoordinator
    private let logger: Logger
    /// The group this consumer belongs to.
    public let groupID: String

    /// Creates the consumer and subscribes it to `topics`.
    public init(
        configuration: KafkaConsumerConfiguration,
        topics: [String],
        logger: Logger,
        hooks: RebalanceHooks = RebalanceHooks(),
        statisticsObserver: (@Sendable (KafkaStatistics) -> Void)? = nil
    ) throws(KafkaError) {
        guard !topics.isEmpty else { throw KafkaError.client("consumer.no_topics", "a consumer needs at least one topic") }
        let context = ClientContext(logger: logger, role: "consumer", clientID: configuration.kafka.clientID, isProducer: false, statisticsObserver: statisticsObserver)
        let handle = try RdKafkaHandle(kind: .consumer, properties: configuration.properties(), context: context)
        self.handle = handle
        self.logger = logger
        self.groupID = configuration.groupID
        let coordinator = RebalanceCoordinator(hooks: hooks, logger: logger, metrics: context.metrics)
        self.coordinator = coordinator
        context.setRebalanceHandler { rk, err, partitions in coordinator.rebalance(rk, err, partitions) }
        rd_kafka_poll_set_consumer(handle.pointer)
        queue = rd_kafka_queue_get_consumer(handle.pointer)
        wakeup.attach(to: queue)
        let list = PartitionList.make(topics.map { (TopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA), nil) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_subscribe(handle.pointer, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            wakeup.detach(from: queue)
            rd_kafka_queue_destroy(queue)
            DedicatedThread.detach(name: "kafka-consumer-destroy") { handle.destroy() }
            throw KafkaError(err, context: ["kafka.operation": "subscribe", "kafka.group": configuration.groupID])
        }
    }

    deinit {
        wakeup.detach(from: queue)
        rd_kafka_queue_destroy(queue)
        let handle = self.handle
        let closed = coordinator.isClosed
        DedicatedThread.detach(name: "kafka-consumer-destroy") {
            if !closed { _ = rd_kafka_consumer_close(handle.pointer) }
            handle.destroy()
        }
    }

    /// The partitions currently assigned to this member.
    public var assignment: Set<TopicPartition> { coordinator.assignment }

    /// The fatal error that made this consumer unusable, if one happened.
    public var fatalKafkaError: KafkaError? { handle.context.reportedFatalError }

    /// Returns the next messages: at least one, at most `maxMessages`, taking
    /// only what is already fetched (it waits only when nothing is).
    ///
    /// Returns `nil` once the consumer is stopping or closed, or the task is
    /// cancelled. Throws if the client failed fatally. Rebalance hooks run
    /// inside this call.
    public func nextBatch(maxMessages: Int = 500) async throws(KafkaError) -> [KafkaMessage]? {
        var batch: [KafkaMessage] = []
        while true {
            if Task.isCancelled || coordinator.isStopping { return nil }
            if let fatal = handle.context.reportedFatalError { throw fatal }
            coordinator.beginPoll()
            var lastTopic: (OpaquePointer?, String) = (nil, "")
            let fetched = FetchedMessages(capacity: min(maxMessages, 1024))
            while batch.count < maxMessages, let message = rd_kafka_consumer_poll(handle.pointer, 0) {
                if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    report(message)
                    rd_kafka_message_destroy(message)
                    continue
                }
                if lastTopic.0 != message.pointee.rkt {
                    lastTopic = (message.pointee.rkt, String(cString: rd_kafka_topic_name(message.pointee.rkt)))
                }
                batch.append(KafkaMessage(topic: lastTopic.1, batch: fetched, index: fetched.append(message)))
            }
            let revoked = coordinator.endPoll()
            if !revoked.isEmpty {
                // Messages fetched before a revocation in the same poll belong to another member now.
                batch.removeAll { revoked.contains($0.topicPartition) }
            }
            if !batch.isEmpty {
                handle.context.metrics.consumed.increment(by: batch.count)
                return batch
            }
            await wakeup.wait()
        }
    }

    /// Messages one at a time, fetched in batches of up to `batchSize`.
    /// Ending the iteration early closes the consumer (it leaves the group at once).
    public func messages(batchSize: Int = 500) -> KafkaMessageSequence {
        KafkaMessageSequence(consumer: self, batchSize: batchSize)
    }

    /// Stores the offsets after `messages` (highest offset + 1 per partition),
    /// to be committed by the next automatic commit. Call after processing.
    /// Offsets of partitions no longer assigned are skipped (the new owner
    /// re-reads them; effects are made idempotent by the event processor).
    public func storeOffsets(for messages: [KafkaMessage]) throws(KafkaError) {
        var highest: [TopicPartition: Int64] = [:]
        for message in messages {
            let tp = message.topicPartition
            if message.offset >= highest[tp, default: -1] { highest[tp] = message.offset }
        }
        try storeOffsets(highest.map { ($0.key, $0.value + 1) })
    }

    /// Stores explicit next-offsets per partition.
    public func storeOffsets(_ offsets: [(TopicPartition, Int64)]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = PartitionList.make(offsets.map { ($0.0, $0.1) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_offsets_store(handle.pointer, list)
        if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }
        var firstReal: KafkaError? = nil
        for i in 0..<Int(list.pointee.cnt) {
            let e = list.pointee.elems[i]
            if e.err == RD_KAFKA_RESP_ERR__STATE || e.err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION {
                logger.debug("offset not stored: partition no longer assigned", metadata: ["kafka.topic": "\(String(cString: e.topic))", "kafka.partition": "\(e.partition)"])
            } else if e.err != RD_KAFKA_RESP_ERR_NO_ERROR, firstReal == nil {
                firstReal = KafkaError(e.err, context: ["kafka.topic": String(cString: e.topic), "kafka.partition": String(e.partition)])
            }
        }
        if let firstReal { throw firstReal }
    }

    /// Stops fetching from `partitions` (they stay assigned).
    public func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        try pauseOrResume(partitions, pause: true)
    }

    /// Resumes fetching from `partitions`.
    public func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        try pauseOrResume(partitions, pause: false)
    }

    private func pauseOrResume(_ partitions: [TopicPartition], pause: Bool) throws(KafkaError) {
        let list = PartitionList.make(partitions.map { ($0, nil) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = pause ? rd_kafka_pause_partitions(handle.pointer, list) : rd_kafka_resume_partitions(handle.pointer, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, context: ["kafka.operation": pause ? "pause" : "resume"]) }
    }

    /// Makes the reading task's current or next ``nextBatch(maxMessages:)``
    /// return `nil`. For graceful shutdown: the owner finishes its batch,
    /// stores offsets, then calls ``close()``. Safe from any task.
    public func stop() {
        coordinator.requestStop()
        wakeup.signal()
    }

    /// Leaves the group: runs the revocation hook, commits stored offsets and
    /// tells the coordinator, so the partitions move to other members at once.
    /// Call it from the reading task after its last batch (or after ``stop()``).
    /// Idempotent.
    public func close() async {
        guard coordinator.beginClose() else { return }
        wakeup.signal()
        let handle = self.handle
        let err = await DedicatedThread.run(name: "kafka-consumer-close") { rd_kafka_consumer_close(handle.pointer) }
        coordinator.finishClose()
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("consumer close reported an error", metadata: ["kafka.error": "\(String(cString: rd_kafka_err2name(err)))"])
        }
    }

    /// Checks that a broker answers within `timeout` (readiness).
    public func checkConnectivity(timeout: Duration) async throws(KafkaError) {
        try await ClusterMetadata.check(handle, timeout: timeout)
    }

    /// The group's committed next-offsets for `partitions`, as the broker has them
    /// (a partition with no commit is absent). A blocking librdkafka call on a dedicated
    /// thread: for tools, health checks and tests, not the hot path.
    public func committedOffsets(for partitions: [TopicPartition], timeout: Duration) async throws(KafkaError) -> [TopicPartition: Int64] {
        let ms = Int32(clamping: timeout.milliseconds)
        let handle = self.handle
        let result: Result<[TopicPartition: Int64], KafkaError> = await DedicatedThread.run(name: "kafka-committed") {
            let list = PartitionList.make(partitions.map { ($0, nil) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_committed(handle.pointer, list, ms)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { return .failure(KafkaError(err, context: ["kafka.operation": "committed"])) }
            var offsets: [TopicPartition: Int64] = [:]
            for i in 0..<Int(list.pointee.cnt) {
                let e = list.pointee.elems[i]
                if e.err == RD_KAFKA_RESP_ERR_NO_ERROR, e.offset >= 0 {
                    offsets[TopicPartition(topic: String(cString: e.topic), partition: e.partition)] = e.offset
                }
            }
            return .success(offsets)
        }
        return try result.get()
    }

    private func report(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let err = message.pointee.err
        if err == RD_KAFKA_RESP_ERR__PARTITION_EOF { return }
        let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "-"
        logger.warning("consumer error", metadata: [
            "kafka.error": "\(String(cString: rd_kafka_err2name(err)))",
            "kafka.topic": "\(topic)",
            "kafka.partition": "\(message.pointee.partition)",
        ])
    }
}
