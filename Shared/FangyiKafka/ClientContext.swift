import CRdKafka
import Logging
import Synchronization

/// What librdkafka's callbacks reach through the client's opaque pointer:
/// the logger, statistics sink, error state and (for consumers) the rebalance
/// handler. Callbacks arrive on librdkafka threads or on the thread that polls;
/// every mutable field is behind a mutex.
final class ClientContext: Sendable {
    let logger: Logger
    let metrics: KafkaClientMetrics
    private let fatal = Mutex<KafkaError?>(nil)
    private let rebalance = Mutex<(@Sendable (OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?>(nil)
    private let statisticsObserver: (@Sendable (KafkaStatistics) -> Void)?
    let isProducer: Bool

    init(logger: Logger, role: String, clientID: String, isProducer: Bool, statisticsObserver: (@Sendable (KafkaStatistics) -> Void)?) {
        self.logger = logger
        self.metrics = KafkaClientMetrics(role: role, clientID: clientID)
        self.isProducer = isProducer
        self.statisticsObserver = statisticsObserver
    }

    /// The first fatal error librdkafka reported, if any.
    var reportedFatalError: KafkaError? { fatal.withLock { $0 } }

    /// Sets the function that handles consumer group rebalances (consumer only).
    func setRebalanceHandler(_ handler: @escaping @Sendable (OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void) {
        rebalance.withLock { $0 = handler }
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> ClientContext? {
        guard let opaque else { return nil }
        return Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
    }

    /// Registers the C callbacks on a configuration object.
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, message in
            guard let rk, let context = ClientContext.from(rd_kafka_opaque(rk)) else { return }
            let fac = facility.map { String(cString: $0) } ?? "-"
            let text = message.map { String(cString: $0) } ?? ""
            let swiftLevel: Logger.Level = switch level {
            case 0...2: .critical
            case 3: .error
            case 4: .warning
            case 5, 6: .info
            default: .debug
            }
            context.logger.log(level: swiftLevel, "\(text)", metadata: ["kafka.facility": "\(fac)"])
        }
        rd_kafka_conf_set_error_cb(conf) { rk, code, reason, opaque in
            guard let rk, let context = ClientContext.from(opaque) else { return }
            let err = rd_kafka_resp_err_t(rawValue: code)
            let text = reason.map { String(cString: $0) } ?? ""
            context.metrics.errors.increment()
            if err == RD_KAFKA_RESP_ERR__FATAL {
                var buf = [CChar](repeating: 0, count: 512)
                let underlying = rd_kafka_fatal_error(rk, &buf, buf.count)
                let error = KafkaError(
                    code: underlying.rawValue, name: String(cString: rd_kafka_err2name(underlying)),
                    message: string(fromErrorBuffer: buf), isRetriable: false, isFatal: true)
                context.fatal.withLock { if $0 == nil { $0 = error } }
                context.logger.critical("fatal Kafka client error: \(error.name): \(error.message)")
            } else if err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__TRANSPORT {
                context.logger.warning("Kafka connectivity: \(text)", metadata: ["kafka.error": "\(String(cString: rd_kafka_err2name(err)))"])
            } else {
                context.logger.error("Kafka client error: \(text)", metadata: ["kafka.error": "\(String(cString: rd_kafka_err2name(err)))"])
            }
        }
        rd_kafka_conf_set_stats_cb(conf) { _, json, length, opaque in
            guard let json, let context = ClientContext.from(opaque) else { return 0 }
            let bytes = UnsafeRawBufferPointer(start: json, count: length)
            if let stats = KafkaStatistics(json: bytes) {
                context.metrics.record(stats)
                context.statisticsObserver?(stats)
            }
            return 0  // librdkafka frees the buffer
        }
        if isProducer {
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
                guard let message else { return }
                DeliveryTracker.deliver(message)
            }
        } else {
            rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
                guard let rk, let partitions, let context = ClientContext.from(opaque) else { return }
                if let handler = context.rebalance.withLock({ $0 }) {
                    handler(rk, err, partitions)
                } else {
                    // No owner yet: keep librdkafka's state consistent.
                    _ = rd_kafka_assign(rk, nil)
                }
            }
        }
    }
}
