import CRdKafka
import Foundation
import Synchronization

/// The baseline: plain C-level librdkafka loops with no Swift layer on top,
/// configured like FangyiKafka's defaults, so ratios compare the wrapper only.
enum RawLibrdkafka {
    final class Counters: Sendable {
        let delivered = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
        /// Latency samples (nanoseconds) for paced runs, keyed by message slot.
        nonisolated(unsafe) let sendTimes: UnsafeMutablePointer<UInt64>
        nonisolated(unsafe) let latencies: UnsafeMutablePointer<UInt64>
        let capacity: Int
        init(capacity: Int) {
            self.capacity = capacity
            sendTimes = .allocate(capacity: max(capacity, 1))
            latencies = .allocate(capacity: max(capacity, 1))
            sendTimes.initialize(repeating: 0, count: max(capacity, 1))
            latencies.initialize(repeating: 0, count: max(capacity, 1))
        }
    }

    static func conf(_ props: [String: String], opaque: UnsafeMutableRawPointer?) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var err = [CChar](repeating: 0, count: 256)
        for (k, v) in props { precondition(rd_kafka_conf_set(conf, k, v, &err, err.count) == RD_KAFKA_CONF_OK, "\(k)") }
        rd_kafka_conf_set_opaque(conf, opaque)
        return conf
    }

    static func nanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Produces `count` messages as fast as librdkafka takes them; returns messages/s.
    static func produce(bootstrap: String, topic: String, count: Int, value: [UInt8]) -> Double {
        let counters = Counters(capacity: 0)
        let conf = conf([
            "bootstrap.servers": bootstrap, "enable.idempotence": "true", "acks": "all",
            "linger.ms": "5", "queue.buffering.max.messages": "100000",
        ], opaque: Unmanaged.passUnretained(counters).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(conf) { rk, msg, opaque in
            let c = Unmanaged<Counters>.fromOpaque(opaque!).takeUnretainedValue()
            if msg!.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR { c.delivered.add(1, ordering: .relaxed) } else { c.failed.add(1, ordering: .relaxed) }
        }
        var errbuf = [CChar](repeating: 0, count: 256)
        let rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errbuf, errbuf.count)!
        defer { rd_kafka_destroy(rk) }
        // Warm up: metadata and producer id, outside the timed part.
        topic.withCString { t in
            withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 1) { vus in
                vus[0] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_TOPIC, u: .init(cstr: t))
                if let e = rd_kafka_produceva(rk, vus.baseAddress, 1) { rd_kafka_error_destroy(e) }
            }
        }
        rd_kafka_flush(rk, 10_000)
        counters.delivered.store(0, ordering: .relaxed)
        let start = nanos()
        value.withUnsafeBytes { v in
            topic.withCString { t in
                var i = 0
                let keys = (0..<1000).map { n in withUnsafeBytes(of: n) { Array($0) } }
                while i < count {
                    let key = keys[i % 1000]
                    let error: OpaquePointer? = key.withUnsafeBytes { k in
                        withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 4) { vus in
                            vus[0] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_TOPIC, u: .init(cstr: t))
                            vus[1] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_MSGFLAGS, u: .init(i: RD_KAFKA_MSG_F_COPY))
                            vus[2] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_KEY, u: .init(mem: .init(ptr: UnsafeMutableRawPointer(mutating: k.baseAddress), size: k.count)))
                            vus[3] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_VALUE, u: .init(mem: .init(ptr: UnsafeMutableRawPointer(mutating: v.baseAddress), size: v.count)))
                            return rd_kafka_produceva(rk, vus.baseAddress, 4)
                        }
                    }
                    if let error {
                        rd_kafka_error_destroy(error)
                        rd_kafka_poll(rk, 10)
                        continue
                    }
                    i += 1
                    rd_kafka_poll(rk, 0)
                }
            }
        }
        while counters.delivered.load(ordering: .relaxed) + counters.failed.load(ordering: .relaxed) < count {
            rd_kafka_poll(rk, 50)
        }
        let seconds = Double(nanos() - start) / 1e9
        precondition(counters.failed.load(ordering: .relaxed) == 0, "raw producer had failures")
        return Double(count) / seconds
    }

    /// Consumes `count` messages from the start of `topic` in a fresh group; returns messages/s.
    static func consume(bootstrap: String, topic: String, group: String, count: Int) -> Double {
        let conf = conf([
            "bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
            "enable.auto.offset.store": "false", "partition.assignment.strategy": "cooperative-sticky",
        ], opaque: nil)
        var errbuf = [CChar](repeating: 0, count: 256)
        let rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &errbuf, errbuf.count)!
        rd_kafka_poll_set_consumer(rk)
        let list = rd_kafka_topic_partition_list_new(1)!
        rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA)
        rd_kafka_subscribe(rk, list)
        rd_kafka_topic_partition_list_destroy(list)
        var received = 0
        var bytes = 0
        var start: UInt64 = 0
        while received < count {
            guard let m = rd_kafka_consumer_poll(rk, 100) else { continue }
            if m.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                if received == 0 { start = nanos() }
                received += 1
                bytes &+= m.pointee.len
            }
            rd_kafka_message_destroy(m)
        }
        let seconds = Double(nanos() - start) / 1e9
        rd_kafka_consumer_close(rk)
        rd_kafka_destroy(rk)
        return Double(count - 1) / seconds
    }

    /// Produces at `rate` messages/s for `count` messages, each measured from
    /// produce call to delivery report; returns latencies in nanoseconds.
    static func pacedLatencies(bootstrap: String, topic: String, count: Int, rate: Int, value: [UInt8]) -> [UInt64] {
        let counters = Counters(capacity: count)
        let conf = conf([
            "bootstrap.servers": bootstrap, "enable.idempotence": "true", "acks": "all", "linger.ms": "5",
        ], opaque: Unmanaged.passUnretained(counters).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(conf) { rk, msg, opaque in
            let c = Unmanaged<Counters>.fromOpaque(opaque!).takeUnretainedValue()
            let slot = Int(bitPattern: msg!.pointee._private)
            c.latencies[slot - 1] = RawLibrdkafka.nanos() - c.sendTimes[slot - 1]
            c.delivered.add(1, ordering: .relaxed)
        }
        var errbuf = [CChar](repeating: 0, count: 256)
        let rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errbuf, errbuf.count)!
        defer { rd_kafka_destroy(rk) }
        let start = nanos()
        let interval = UInt64(1_000_000_000 / rate)
        value.withUnsafeBytes { v in
            topic.withCString { t in
                for i in 0..<count {
                    let due = start + UInt64(i) * interval
                    // Serve reports while waiting for the next send time (the C loop's equivalent of pacing).
                    while true {
                        let now = nanos()
                        if now >= due { break }
                        rd_kafka_poll(rk, due - now > 1_000_000 ? 1 : 0)
                    }
                    counters.sendTimes[i] = nanos()
                    withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 4) { vus in
                        vus[0] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_TOPIC, u: .init(cstr: t))
                        vus[1] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_MSGFLAGS, u: .init(i: RD_KAFKA_MSG_F_COPY))
                        vus[2] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_VALUE, u: .init(mem: .init(ptr: UnsafeMutableRawPointer(mutating: v.baseAddress), size: v.count)))
                        vus[3] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_OPAQUE, u: .init(ptr: UnsafeMutableRawPointer(bitPattern: i + 1)))
                        if let e = rd_kafka_produceva(rk, vus.baseAddress, 4) { rd_kafka_error_destroy(e) }
                    }
                }
            }
        }
        while counters.delivered.load(ordering: .relaxed) < count { rd_kafka_poll(rk, 10) }
        return Array(UnsafeBufferPointer(start: counters.latencies, count: count))
    }
}
