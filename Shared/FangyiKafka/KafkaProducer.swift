import CRdKafka
public import Logging
public import ServiceLifecycle
import Synchronization

/// A Kafka producer over librdkafka.
///
/// `send` returns only once the broker acknowledged the message (or it failed):
/// the awaiting task is resumed by the delivery report itself. Delivery reports
/// are served by ``run()``, which sleeps until librdkafka's queue event callback
/// says there is something to serve — there is no polling interval. Run the
/// producer as a `Service` (or call ``run()`` in a task) for its whole life; on
/// graceful shutdown `run()` flushes queued messages within
/// ``KafkaProducerConfiguration/flushTimeout`` and returns.
///
/// All methods are safe to call concurrently from any task.
public final class KafkaProducer: Service, Sendable {
    let handle: RdKafkaHandle
    /// `@unchecked`-free: `OpaquePointer` is Sendable-compatible as a value here and never mutated.
    nonisolated(unsafe) private let mainQueue: OpaquePointer
    private let wakeup = AsyncWakeup()
    private let state = Mutex(State())
    private let configuration: KafkaProducerConfiguration
    private let logger: Logger

    private struct State {
        var capacityWaiters: [CheckedContinuation<Void, Never>] = []
        /// Bumped by every drain after it served delivery reports (and so freed queue space).
        var drainGeneration: UInt64 = 0
        var shuttingDown = false
        var closed = false
    }

    /// Creates the producer. Fails with a clear error if a property is invalid.
    ///
    /// - Parameters:
    ///   - statisticsObserver: called with every parsed statistics sample (besides metrics).
    public init(configuration: KafkaProducerConfiguration, logger: Logger, statisticsObserver: (@Sendable (KafkaStatistics) -> Void)? = nil) throws(KafkaError) {
        let context = ClientContext(logger: logger, role: "producer", clientID: configuration.kafka.clientID, isProducer: true, statisticsObserver: statisticsObserver)
        handle = try RdKafkaHandle(kind: .producer, properties: configuration.properties(), context: context)
        mainQueue = rd_kafka_queue_get_main(handle.pointer)
        self.configuration = configuration
        self.logger = logger
        wakeup.attach(to: mainQueue)
    }

    deinit {
        wakeup.detach(from: mainQueue)
        rd_kafka_queue_destroy(mainQueue)
        let handle = self.handle
        DedicatedThread.detach(name: "kafka-producer-destroy") { handle.destroy() }
    }

    /// The fatal error that made this producer unusable, if one happened.
    public var fatalKafkaError: KafkaError? { handle.context.reportedFatalError }

    /// Messages handed to librdkafka and not yet acknowledged or failed.
    public var pendingMessages: Int { Int(rd_kafka_outq_len(handle.pointer)) }

    /// Sends one message and returns where the broker stored it.
    ///
    /// Waits while the local queue is full. Throws ``KafkaError`` if the message
    /// could not be delivered within the delivery timeout, was rejected, or the
    /// producer is shut down or fatally failed.
    @discardableResult
    public func send(_ message: KafkaProducerMessage) async throws(KafkaError) -> DeliveryReport {
        switch await send(batch: [message])[0] {
        case .success(let report): return report
        case .failure(let error): throw error
        }
    }

    /// Sends a batch and returns each message's outcome, in the batch's order.
    ///
    /// All messages are enqueued before waiting, so a batch travels in as few
    /// requests as librdkafka can make. One message's failure does not affect the
    /// others. Messages with the same key keep their order.
    public func send(batch: [KafkaProducerMessage]) async -> [Result<DeliveryReport, KafkaError>] {
        guard !batch.isEmpty else { return [] }
        let tracker = DeliveryTracker(count: batch.count, metrics: handle.context.metrics)
        var index = 0
        // Checked before the batch and after every wait; a fatal error raised
        // mid-batch fails the remaining messages through their delivery reports.
        var refusal = refusalError(topic: batch[0].topic)
        while index < batch.count {
            if let refusal {
                for i in index..<batch.count { tracker.fail(index: i, refusal) }
                break
            }
            switch enqueue(batch[index], opaque: tracker.opaque(for: index)) {
            case .enqueued:
                index += 1
            case .queueFull:
                // Note the drain generation, then try once more: space freed by a drain
                // after this retry bumps the generation, so the wait below cannot miss it.
                let generation = state.withLock { $0.drainGeneration }
                if case .enqueued = enqueue(batch[index], opaque: tracker.opaque(for: index)) {
                    index += 1
                    continue
                }
                wakeup.signal()
                await waitForCapacity(after: generation)
                refusal = refusalError(topic: batch[index].topic)
            case .failed(let error):
                tracker.fail(index: index, error)
                index += 1
            }
        }
        let outcomes = await tracker.outcomes()
        var results: [Result<DeliveryReport, KafkaError>] = []
        results.reserveCapacity(batch.count)
        for i in batch.indices {
            if let error = outcomes.errors[i] {
                results.append(.failure(error))
            } else {
                results.append(.success(DeliveryReport(topic: batch[i].topic, partition: outcomes.partitions[i], offset: outcomes.offsets[i])))
            }
        }
        return results
    }

    /// Why no message can be sent now: a fatal client error, or shutdown.
    private func refusalError(topic: String) -> KafkaError? {
        if let fatal = handle.context.reportedFatalError { return fatal }
        if state.withLock({ $0.closed }) { return closedError(topic: topic) }
        return nil
    }

    private func closedError(topic: String) -> KafkaError {
        KafkaError.client("producer.closed", "the producer is shut down", context: ["kafka.topic": topic])
    }

    private enum EnqueueResult {
        case enqueued
        case queueFull
        case failed(KafkaError)
    }

    private func enqueue(_ message: KafkaProducerMessage, opaque: UnsafeMutableRawPointer) -> EnqueueResult {
        var headers: OpaquePointer? = nil
        if !message.headers.isEmpty {
            headers = rd_kafka_headers_new(message.headers.count)
            for header in message.headers {
                if let value = header.value {
                    value.withUnsafeBytes { bytes in
                        _ = rd_kafka_header_add(headers, header.key, -1, bytes.baseAddress, bytes.count)
                    }
                } else {
                    _ = rd_kafka_header_add(headers, header.key, -1, nil, 0)
                }
            }
        }
        var refusedAsClosed = false
        let error: OpaquePointer? = message.topic.withCString { topic in
            withOptionalBytes(message.key) { keyPtr, keyLen in
                withOptionalBytes(message.value) { valuePtr, valueLen in
                    withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 7) { vus in
                        var n = 0
                        func add(_ type: rd_kafka_vtype_t, _ u: rd_kafka_vu_t.__Unnamed_union_u) {
                            vus[n] = rd_kafka_vu_t(vtype: type, u: u)
                            n += 1
                        }
                        add(RD_KAFKA_VTYPE_TOPIC, .init(cstr: topic))
                        if let partition = message.partition { add(RD_KAFKA_VTYPE_PARTITION, .init(i32: partition)) }
                        add(RD_KAFKA_VTYPE_MSGFLAGS, .init(i: RD_KAFKA_MSG_F_COPY))
                        add(RD_KAFKA_VTYPE_OPAQUE, .init(ptr: opaque))
                        if keyPtr != nil { add(RD_KAFKA_VTYPE_KEY, .init(mem: .init(ptr: keyPtr, size: keyLen))) }
                        if valuePtr != nil { add(RD_KAFKA_VTYPE_VALUE, .init(mem: .init(ptr: valuePtr, size: valueLen))) }
                        if let headers { add(RD_KAFKA_VTYPE_HEADERS, .init(headers: headers)) }
                        // The closed check and the hand-over are one step: once run() has
                        // closed the producer, its final flush sees every message let in.
                        var produceError: OpaquePointer?
                        state.withLock { state in
                            if state.closed {
                                refusedAsClosed = true
                            } else {
                                produceError = rd_kafka_produceva(handle.pointer, vus.baseAddress, n)
                            }
                        }
                        return produceError
                    }
                }
            }
        }
        guard error != nil || refusedAsClosed else { return .enqueued }
        // On failure librdkafka did not take the headers.
        if let headers { rd_kafka_headers_destroy(headers) }
        guard let error else { return .failed(closedError(topic: message.topic)) }
        if rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR__QUEUE_FULL {
            rd_kafka_error_destroy(error)
            return .queueFull
        }
        return .failed(KafkaError(consuming: error, context: ["kafka.topic": message.topic]))
    }

    /// Waits until a drain that started after `generation` has served delivery reports.
    private func waitForCapacity(after generation: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.closed || state.drainGeneration != generation { return true }
                state.capacityWaiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Serves delivery reports, statistics and errors until graceful shutdown or
    /// cancellation, then flushes queued messages (bounded by the flush timeout).
    public func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !state.withLock({ $0.shuttingDown }) {
                await wakeup.wait()
                drain()
            }
        } onGracefulShutdown: {
            self.state.withLock { $0.shuttingDown = true }
            self.wakeup.signal()
        }
        // Close first: from here on sends are refused, so the flush below covers
        // every message librdkafka holds and no sender is left waiting for a report.
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.capacityWaiters = [] }
            return state.capacityWaiters
        }
        waiters.forEach { $0.resume() }
        let left = await flush(timeout: configuration.flushTimeout)
        guard left > 0 else { return }
        // What the flush deadline left undelivered fails now (PURGE_QUEUE /
        // PURGE_INFLIGHT delivery reports) instead of hanging its senders.
        logger.error("producer shut down with unacknowledged messages; failing them", metadata: ["kafka.pending": "\(left)"])
        _ = rd_kafka_purge(handle.pointer, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
        let stillLeft = await flush(timeout: .seconds(5))
        if stillLeft > 0 {
            logger.critical("librdkafka kept messages after purge", metadata: ["kafka.pending": "\(stillLeft)"])
        }
    }

    /// Waits until every queued message is acknowledged or failed, or `timeout`
    /// passes; returns how many are still outstanding. Runs on a dedicated
    /// thread (librdkafka's flush blocks); delivery reports it serves wake their senders.
    @discardableResult
    public func flush(timeout: Duration) async -> Int {
        let handle = self.handle
        let ms = Int32(clamping: timeout.milliseconds)
        let left = await DedicatedThread.run(name: "kafka-producer-flush") { () -> Int in
            _ = rd_kafka_flush(handle.pointer, ms)
            return Int(rd_kafka_outq_len(handle.pointer))
        }
        drain()
        return left
    }

    /// Serves everything waiting on the main queue, then lets senders waiting for space retry.
    private func drain() {
        while rd_kafka_poll(handle.pointer, 0) > 0 {}
        let waiters = state.withLock { state in
            state.drainGeneration &+= 1
            defer { state.capacityWaiters = [] }
            return state.capacityWaiters
        }
        waiters.forEach { $0.resume() }
    }

    /// Asks the cluster for its metadata; used by readiness checks. Throws when no broker answers within `timeout`.
    public func checkConnectivity(timeout: Duration) async throws(KafkaError) {
        try await ClusterMetadata.check(handle, timeout: timeout)
    }
}

/// Calls `body` with a pointer and length for `bytes`, or `nil` and 0.
@inline(__always)
func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeMutableRawPointer?, Int) -> R) -> R {
    guard let bytes else { return body(nil, 0) }
    return bytes.withUnsafeBytes { buffer in
        // An empty array may have a nil base address; librdkafka wants non-nil for an empty, non-null value.
        body(UnsafeMutableRawPointer(mutating: buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)), buffer.count)
    }
}
