import Foundation

/// The parts of librdkafka's statistics JSON (STATISTICS.md) that operators
/// watch: consumer lag per partition, rebalances, and produce latency.
public struct KafkaStatistics: Sendable {
    /// Consumer lag (messages behind the high watermark) per assigned partition; -1 when unknown.
    public var consumerLag: [TopicPartition: Int64]
    /// Rebalances the consumer group has gone through (`cgrp.rebalance_cnt`).
    public var rebalanceCount: Int64?
    /// Broker round-trip time, p99 over the last window, in seconds, per broker name.
    public var brokerRTTP99: [String: Double]
    /// Time messages spent in the producer queue before being sent, p99, in seconds, per broker.
    public var producerQueueLatencyP99: [String: Double]
    /// Messages currently in the producer's queue (`msg_cnt`).
    public var queuedMessages: Int64
    /// Total messages transmitted / received since the client started.
    public var transmittedMessages: Int64
    /// Total messages received since the client started.
    public var receivedMessages: Int64

    /// Parses statistics JSON; returns `nil` for JSON that is not an object.
    public init?(json: UnsafeRawBufferPointer) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else { return nil }
        self.init(object: object)
    }

    init(object: [String: Any]) {
        func int(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }
        consumerLag = [:]
        if let topics = object["topics"] as? [String: Any] {
            for (topic, value) in topics {
                guard let partitions = (value as? [String: Any])?["partitions"] as? [String: Any] else { continue }
                for (_, pvalue) in partitions {
                    guard let p = pvalue as? [String: Any], let id = int(p["partition"]), id >= 0,
                          let lag = int(p["consumer_lag"]), (p["fetch_state"] as? String).map({ $0 != "none" }) ?? false
                    else { continue }
                    consumerLag[TopicPartition(topic: topic, partition: Int32(id))] = lag
                }
            }
        }
        rebalanceCount = int((object["cgrp"] as? [String: Any])?["rebalance_cnt"])
        brokerRTTP99 = [:]
        producerQueueLatencyP99 = [:]
        if let brokers = object["brokers"] as? [String: Any] {
            for (name, value) in brokers {
                // The group coordinator appears as an extra "logical" broker carrying the
                // node id of the broker it points to; only a broker's own connection counts.
                guard let broker = value as? [String: Any], let id = int(broker["nodeid"]), id >= 0,
                      broker["source"] as? String != "logical"
                else { continue }
                let label = "broker-\(id)"
                if let p99 = int((broker["rtt"] as? [String: Any])?["p99"]), p99 > 0 { brokerRTTP99[label] = Double(p99) / 1e6 }
                if let p99 = int((broker["int_latency"] as? [String: Any])?["p99"]), p99 > 0 { producerQueueLatencyP99[label] = Double(p99) / 1e6 }
                _ = name
            }
        }
        queuedMessages = int(object["msg_cnt"]) ?? 0
        transmittedMessages = int(object["txmsgs"]) ?? 0
        receivedMessages = int(object["rxmsgs"]) ?? 0
    }
}
