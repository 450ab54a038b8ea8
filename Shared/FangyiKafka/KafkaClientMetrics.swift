import Metrics
import Synchronization

/// The metrics one Kafka client reports through swift-metrics. Labels are
/// bounded: role, client id, topic and partition (partition counts are fixed by
/// the topic catalog), broker id.
final class KafkaClientMetrics: Sendable {
    let role: String
    let clientID: String
    let errors: Counter
    let rebalances: Counter
    let produceLatency: Metrics.Timer
    let delivered: Counter
    let deliveryFailures: Counter
    let consumed: Counter
    private let lagGauges = Mutex<[TopicPartition: Gauge]>([:])
    private let factory: any MetricsFactory

    /// Creates the client's metrics in `factory` (the process-wide metrics system by default).
    init(role: String, clientID: String, factory: any MetricsFactory = MetricsSystem.factory) {
        self.role = role
        self.clientID = clientID
        self.factory = factory
        let dims = [("role", role), ("client_id", clientID)]
        errors = Counter(label: "fangyi_kafka_client_errors_total", dimensions: dims)
        rebalances = Counter(label: "fangyi_kafka_rebalances_total", dimensions: dims)
        produceLatency = Metrics.Timer(label: "fangyi_kafka_produce_latency_seconds", dimensions: dims, preferredDisplayUnit: .seconds)
        delivered = Counter(label: "fangyi_kafka_messages_delivered_total", dimensions: dims)
        deliveryFailures = Counter(label: "fangyi_kafka_delivery_failures_total", dimensions: dims)
        consumed = Counter(label: "fangyi_kafka_messages_consumed_total", dimensions: dims)
    }

    func record(_ stats: KafkaStatistics) {
        let fetched = stats.consumerLag.filter { $0.value >= 0 }
        // A partition this client no longer fetches (revoked by a rebalance, or the consumer
        // closed it) loses its gauge, instead of showing its last lag forever beside the lag
        // the new owner reports.
        let stale = lagGauges.withLock { gauges in
            gauges.keys.filter { fetched[$0] == nil }.compactMap { gauges.removeValue(forKey: $0) }
        }
        stale.forEach { $0.destroy() }
        for (tp, lag) in fetched {
            let gauge = lagGauges.withLock { gauges in
                if let existing = gauges[tp] { return existing }
                let gauge = Gauge(label: "fangyi_kafka_consumer_lag", dimensions: [
                    ("client_id", clientID), ("topic", tp.topic), ("partition", String(tp.partition)),
                ], factory: factory)
                gauges[tp] = gauge
                return gauge
            }
            gauge.record(lag)
        }
        for (broker, seconds) in stats.brokerRTTP99 {
            Gauge(label: "fangyi_kafka_broker_rtt_p99_seconds", dimensions: [("role", role), ("client_id", clientID), ("broker", broker)]).record(seconds)
        }
        for (broker, seconds) in stats.producerQueueLatencyP99 {
            Gauge(label: "fangyi_kafka_producer_queue_latency_p99_seconds", dimensions: [("client_id", clientID), ("broker", broker)]).record(seconds)
        }
        if role == "producer" {
            Gauge(label: "fangyi_kafka_producer_queued_messages", dimensions: [("client_id", clientID)]).record(stats.queuedMessages)
        }
    }
}
