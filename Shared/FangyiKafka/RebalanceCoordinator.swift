import CRdKafka
import Logging
import Synchronization

/// Applies group rebalances for a ``KafkaConsumer`` and tracks its assignment
/// and life-cycle flags. Rebalance callbacks run on the polling task or the
/// closing thread; all state is behind a mutex and hooks run outside it.
final class RebalanceCoordinator: Sendable {
    private struct State {
        var assignment: Set<TopicPartition> = []
        var revokedDuringPoll: Set<TopicPartition> = []
        var stopping = false
        var closing = false
        var closed = false
    }

    private let state = Mutex(State())
    private let hooks: RebalanceHooks
    private let logger: Logger
    private let metrics: KafkaClientMetrics

    init(hooks: RebalanceHooks, logger: Logger, metrics: KafkaClientMetrics) {
        self.hooks = hooks
        self.logger = logger
        self.metrics = metrics
    }

    var assignment: Set<TopicPartition> { state.withLock { $0.assignment } }
    var isStopping: Bool { state.withLock { $0.stopping || $0.closing } }
    var isClosed: Bool { state.withLock { $0.closed } }

    func requestStop() { state.withLock { $0.stopping = true } }

    /// Returns `false` if close already began.
    func beginClose() -> Bool {
        state.withLock { state in
            if state.closing { return false }
            state.closing = true
            return true
        }
    }

    func finishClose() { state.withLock { $0.closed = true } }

    func beginPoll() { state.withLock { $0.revokedDuringPoll = [] } }

    /// The partitions revoked while the last poll ran.
    func endPoll() -> Set<TopicPartition> {
        state.withLock { state in
            defer { state.revokedDuringPoll = [] }
            return state.revokedDuringPoll
        }
    }

    /// librdkafka's rebalance callback.
    func rebalance(_ rk: OpaquePointer, _ err: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let partitions = PartitionList.toSwift(list)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        metrics.rebalances.increment()
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            hooks.onAssign?(partitions)
            state.withLock { $0.assignment.formUnion(partitions) }
            if cooperative {
                if let error = rd_kafka_incremental_assign(rk, list) {
                    logger.error("incremental assign failed: \(KafkaError(consuming: error))")
                }
            } else {
                _ = rd_kafka_assign(rk, list)
            }
            logger.info("partitions assigned", metadata: ["kafka.partitions": "\(partitions.map(\.description).sorted().joined(separator: ","))"])
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(rk) != 0
            hooks.onRevoke?(partitions, lost)
            state.withLock { state in
                state.assignment.subtract(partitions)
                state.revokedDuringPoll.formUnion(partitions)
            }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, list) {
                    logger.error("incremental unassign failed: \(KafkaError(consuming: error))")
                }
            } else {
                _ = rd_kafka_assign(rk, nil)
            }
            logger.info("partitions revoked", metadata: ["kafka.partitions": "\(partitions.map(\.description).sorted().joined(separator: ","))", "kafka.lost": "\(lost)"])
        default:
            let all = state.withLock { state in
                defer {
                    state.revokedDuringPoll.formUnion(state.assignment)
                    state.assignment = []
                }
                return Array(state.assignment)
            }
            hooks.onRevoke?(all, true)
            _ = rd_kafka_assign(rk, nil)
            logger.error("rebalance failed; assignment cleared", metadata: ["kafka.error": "\(String(cString: rd_kafka_err2name(err)))"])
        }
    }
}
