@testable import FangyiKafka
import FangyiTesting
import MetricsTestKit
import Synchronization
import Testing

@Suite("librdkafka statistics")
struct StatisticsTests {
    @Test("a consumer's statistics sample is parsed: lag per assigned partition, rebalances, broker latencies")
    func parsesConsumerSample() throws {
        let stats = try #require(Self.parse(Self.consumerSample))
        #expect(stats.consumerLag == [
            TopicPartition(topic: "checkins", partition: 0): 42,
            TopicPartition(topic: "checkins", partition: 1): 0,
        ], "the unassigned partition 2 (fetch_state none) and the internal partition -1 are left out")
        #expect(stats.rebalanceCount == 3)
        #expect(stats.brokerRTTP99["broker-1"] == 0.002_500, "p99 in microseconds becomes seconds")
        #expect(stats.brokerRTTP99.keys.sorted() == ["broker-1", "broker-2"], "the bootstrap connection (node id -1) is left out")
        #expect(stats.producerQueueLatencyP99 == ["broker-1": 0.000_150], "a p99 of 0 means no samples and is left out")
        #expect(stats.queuedMessages == 0)
        #expect(stats.transmittedMessages == 0)
        #expect(stats.receivedMessages == 1_234)
    }

    @Test("a partition the consumer no longer fetches loses its lag gauge; the others keep theirs")
    func revokedPartitionLosesItsGauge() throws {
        let registry = TestMetrics()
        let metrics = KafkaClientMetrics(role: "consumer", clientID: "tracing-1", factory: registry)
        metrics.record(try #require(Self.parse(Self.consumerSample)))
        #expect(registry.recorders(label: "fangyi_kafka_consumer_lag").count == 2)
        // A rebalance took partition 0 away: librdkafka reports it with fetch_state none.
        let revoked = Self.consumerSample.replacingOccurrences(
            of: #""0": { "partition": 0, "broker": 1, "leader": 1, "desired": true, "fetch_state": "active""#,
            with: #""0": { "partition": 0, "broker": 1, "leader": 1, "desired": false, "fetch_state": "none""#)
        #expect(revoked != Self.consumerSample, "the sample still has partition 0 as written here")
        metrics.record(try #require(Self.parse(revoked)))
        let left = registry.recorders(label: "fangyi_kafka_consumer_lag")
        #expect(left.count == 1)
        #expect(left.first?.dimensions.contains { $0 == ("partition", "1") } == true, "partition 1 keeps its gauge")
        // Given back later, it is reported again.
        metrics.record(try #require(Self.parse(Self.consumerSample)))
        #expect(registry.recorders(label: "fangyi_kafka_consumer_lag").count == 2)
    }

    @Test("JSON that is not an object is rejected")
    func rejectsNonObjects() {
        #expect(Self.parse("[1, 2, 3]") == nil)
        #expect(Self.parse("not json") == nil)
        #expect(Self.parse("") == nil)
    }

    @Test("a broker's RTT comes from its own connection, not from the group coordinator's logical connection")
    func logicalCoordinatorDoesNotOverrideBroker() throws {
        // librdkafka reports the group coordinator as an extra "broker" entry
        // (source "logical") carrying the node id of the broker it points to and
        // the RTT of its own connection. Only the broker's own connection may set
        // the broker's gauge; otherwise the value depends on dictionary order.
        let stats = try #require(Self.parse(Self.consumerSample))
        #expect(stats.brokerRTTP99["broker-2"] == 0.011_000, "broker-2's own connection (11 ms), not the coordinator handle's (0.8 ms)")

        // Deterministic variant: broker 2's own connection had no requests in the window.
        let idle = Self.consumerSample.replacingOccurrences(
            of: #""p95": 9000, "p99": 11000, "cnt": 118"#, with: #""p95": 0, "p99": 0, "cnt": 0"#)
        let idleStats = try #require(Self.parse(idle))
        #expect(idleStats.brokerRTTP99["broker-2"] == nil, "no RTT for broker-2 from the coordinator handle: \(idleStats.brokerRTTP99)")
    }

    @Test("a live consumer's statistics report the lag of every assigned partition")
    func liveConsumerLag() async throws {
        let kafka = try TestKafka(brokers: 1, label: "stats")
        let topic = try await kafka.createTopic("stats", partitions: 2)
        let p0 = TopicPartition(topic: topic, partition: 0)
        let p1 = TopicPartition(topic: topic, partition: 1)
        @Sendable func messages(_ count: Int, to partition: Int32, tag: String) -> [KafkaProducerMessage] {
            (0..<count).map { KafkaProducerMessage(topic: topic, partition: partition, key: nil, value: Array("\(tag)-\(partition)-\($0)".utf8)) }
        }

        let samples = Mutex<[KafkaStatistics]>([])
        var config = kafka.consumerConfiguration(group: "stats")
        config.kafka.statisticsInterval = .milliseconds(100)
        let consumer = try KafkaConsumer(configuration: config, topics: [topic], logger: kafka.logger) { stats in
            samples.withLock { $0.append(stats) }
        }

        // Phase 1: 10 messages per partition, read and stored (so committed = 10 each).
        try await kafka.withProducer { producer in
            let results = await producer.send(batch: messages(10, to: 0, tag: "one") + messages(10, to: 1, tag: "one"))
            #expect(results.allSatisfy { (try? $0.get()) != nil })
        }
        let firstPhase = try await consumer.read(storingOffsets: true) { $0.count >= 20 }
        #expect(firstPhase.count == 20)

        // Phase 2: 5 and 7 more, fetched but never stored — the lag a dashboard must show.
        let reader = RecordingConsumer(consumer, storesOffsets: false)
        reader.start()
        try await kafka.withProducer { producer in
            let results = await producer.send(batch: messages(5, to: 0, tag: "two") + messages(7, to: 1, tag: "two"))
            #expect(results.allSatisfy { (try? $0.get()) != nil })
        }
        try await eventually("a statistics sample with lag 5 on partition 0 and 7 on partition 1") {
            samples.withLock { $0.contains { $0.consumerLag == [p0: 5, p1: 7] } }
        }
        let sample = try #require(samples.withLock { $0.last { $0.consumerLag == [p0: 5, p1: 7] } })
        #expect((sample.rebalanceCount ?? 0) >= 1, "joining the group was a rebalance")
        #expect(sample.receivedMessages >= 20)
        #expect(reader.records.count == 12, "the 12 new messages were fetched, just not stored")
        await reader.stop()
    }

    static func parse(_ json: String) -> KafkaStatistics? {
        Array(json.utf8).withUnsafeBytes { KafkaStatistics(json: $0) }
    }

    /// A consumer sample shaped like librdkafka 2.0's STATISTICS.md output,
    /// trimmed to the fields FangyiKafka reads plus a few neighbours.
    static let consumerSample = """
    {
      "name": "fangyi-test#consumer-1", "client_id": "fangyi-test", "type": "consumer",
      "ts": 2534590114, "time": 1795459619, "age": 5515156, "replyq": 0,
      "msg_cnt": 0, "msg_size": 0, "msg_max": 0, "msg_size_max": 0,
      "tx": 36, "tx_bytes": 2253, "rx": 34, "rx_bytes": 2924,
      "txmsgs": 0, "txmsg_bytes": 0, "rxmsgs": 1234, "rxmsg_bytes": 40960,
      "brokers": {
        "127.0.0.1:40815/bootstrap": {
          "name": "127.0.0.1:40815/bootstrap", "nodeid": -1, "nodename": "127.0.0.1:40815",
          "source": "configured", "state": "UP",
          "rtt": { "min": 900, "max": 5000, "avg": 2000, "p50": 1800, "p95": 4000, "p99": 4900, "cnt": 3 },
          "int_latency": { "min": 0, "max": 0, "avg": 0, "p50": 0, "p95": 0, "p99": 0, "cnt": 0 }
        },
        "127.0.0.1:40815/1": {
          "name": "127.0.0.1:40815/1", "nodeid": 1, "nodename": "127.0.0.1:40815",
          "source": "learned", "state": "UP",
          "rtt": { "min": 400, "max": 2600, "avg": 1100, "p50": 1000, "p95": 2300, "p99": 2500, "cnt": 120 },
          "int_latency": { "min": 20, "max": 160, "avg": 60, "p50": 50, "p95": 140, "p99": 150, "cnt": 12 },
          "toppars": { "checkins-0": { "topic": "checkins", "partition": 0 } }
        },
        "127.0.0.1:43391/2": {
          "name": "127.0.0.1:43391/2", "nodeid": 2, "nodename": "127.0.0.1:43391",
          "source": "learned", "state": "UP",
          "rtt": { "min": 700, "max": 12000, "avg": 3000, "p50": 2500, "p95": 9000, "p99": 11000, "cnt": 118 },
          "int_latency": { "min": 0, "max": 0, "avg": 0, "p50": 0, "p95": 0, "p99": 0, "cnt": 0 },
          "toppars": { "checkins-1": { "topic": "checkins", "partition": 1 } }
        },
        "GroupCoordinator": {
          "name": "GroupCoordinator", "nodeid": 2, "nodename": "127.0.0.1:43391",
          "source": "logical", "state": "UP",
          "rtt": { "min": 300, "max": 900, "avg": 500, "p50": 450, "p95": 780, "p99": 800, "cnt": 40 },
          "int_latency": { "min": 0, "max": 0, "avg": 0, "p50": 0, "p95": 0, "p99": 0, "cnt": 0 }
        }
      },
      "topics": {
        "checkins": {
          "topic": "checkins", "age": 2510, "metadata_age": 2511,
          "partitions": {
            "0": { "partition": 0, "broker": 1, "leader": 1, "desired": true, "fetch_state": "active",
                   "app_offset": 958, "stored_offset": 958, "committed_offset": 958, "hi_offset": 1000,
                   "consumer_lag": 42, "consumer_lag_stored": 42, "rxmsgs": 958 },
            "1": { "partition": 1, "broker": 2, "leader": 2, "desired": true, "fetch_state": "active",
                   "app_offset": 276, "stored_offset": 276, "committed_offset": 276, "hi_offset": 276,
                   "consumer_lag": 0, "consumer_lag_stored": 0, "rxmsgs": 276 },
            "2": { "partition": 2, "broker": -1, "leader": 1, "desired": false, "fetch_state": "none",
                   "app_offset": -1001, "stored_offset": -1001, "committed_offset": -1001, "hi_offset": -1001,
                   "consumer_lag": -1, "consumer_lag_stored": -1, "rxmsgs": 0 },
            "-1": { "partition": -1, "broker": -1, "leader": -1, "desired": false, "fetch_state": "none",
                    "app_offset": -1001, "stored_offset": -1001, "committed_offset": -1001, "hi_offset": -1001,
                    "consumer_lag": -1, "consumer_lag_stored": -1, "rxmsgs": 0 }
          }
        }
      },
      "cgrp": {
        "state": "up", "stateage": 5512, "join_state": "steady", "rebalance_age": 2510,
        "rebalance_cnt": 3, "rebalance_reason": "group rebalance", "assignment_size": 2
      }
    }
    """
}
