import FangyiKafka
import Foundation
import Logging

// FangyiKafka against a plain C librdkafka loop, on one mock cluster, in one run.
// Usage: fangyi-kafka-bench [messages] [rounds]
//   messages: per producer round (default 1,000,000; 400-byte values)
//   rounds:   each measurement runs this many times, raw and FangyiKafka
//             alternating; the best of each side is compared (default 3).

/// Prints a line unbuffered (the run may be watched live or cut short).
func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

let arguments = Array(CommandLine.arguments.dropFirst())
let count = arguments.first.flatMap(Int.init) ?? 1_000_000
let rounds = arguments.dropFirst().first.flatMap(Int.init) ?? 3
let value = [UInt8](repeating: 0x61, count: 400)
let logger: Logger = {
    var logger = Logger(label: "fangyi.bench")
    logger.logLevel = .warning
    return logger
}()

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func percentile(_ sorted: [UInt64], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
    return Double(sorted[max(0, index)]) / 1e6
}

func report(_ name: String, raw: [Double], ours: [Double], target: String) {
    let best = (raw.max() ?? 0, ours.max() ?? 0)
    say(String(format: "%-22@ raw %10.0f msg/s  fangyi %10.0f msg/s  ratio %.2f  (target %@; rounds raw %@ / fangyi %@)",
               name as NSString, best.0, best.1, best.1 / max(best.0, 1), target as NSString,
               raw.map { String(format: "%.0f", $0) }.joined(separator: ",") as NSString,
               ours.map { String(format: "%.0f", $0) }.joined(separator: ",") as NSString))
}

/// Runs `body` with a running producer, then shuts the producer down.
func withProducer<T: Sendable>(_ body: @Sendable (KafkaProducer) async throws -> T) async throws -> T {
    let config = KafkaProducerConfiguration(kafka: KafkaConfiguration(bootstrapServers: bootstrap, statisticsInterval: nil))
    let producer = try KafkaProducer(configuration: config, logger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await producer.run(); return nil }
        let result = try await body(producer)
        group.cancelAll()
        return result
    }
}

let cluster = try MockCluster(brokers: 3, logger: logger)
let bootstrap = cluster.bootstrapServers
// librdkafka 2.0.2's mock cluster keeps only the newest ~5 MB of each
// partition, so the consumer rounds read a topic spread wide enough to hold it.
let consumeCount = min(count, 200_000)
let consumePartitions = 32
say("mock cluster, 3 brokers; \(value.count)-byte values; idempotent, acks=all, linger 5 ms; best of \(rounds) rounds")

// Producer throughput: raw loop vs 4 tasks sending batches of 10,000.
var rawProduce: [Double] = []
var ourProduce: [Double] = []
for round in 0..<rounds {
    let rawTopic = "bench.produce.raw.\(round)", ourTopic = "bench.produce.fangyi.\(round)"
    try cluster.createTopic(rawTopic, partitions: 6)
    try cluster.createTopic(ourTopic, partitions: 6)
    rawProduce.append(RawLibrdkafka.produce(bootstrap: bootstrap, topic: rawTopic, count: count, value: value))
    ourProduce.append(try await withProducer { producer in
        let keys = (0..<1000).map { i in withUnsafeBytes(of: i) { Array($0) } }
        _ = try await producer.send(KafkaProducerMessage(topic: ourTopic, key: nil, value: nil))  // warm-up, as the raw loop
        let batchSize = 10_000, senders = 4
        let start = ContinuousClock.now
        let failures = await withTaskGroup(of: Int.self) { group in
            for s in 0..<senders {
                group.addTask {
                    var failures = 0
                    var i = s * batchSize
                    while i < count {
                        let batch = (i..<min(i + batchSize, count)).map { KafkaProducerMessage(topic: ourTopic, key: keys[$0 % 1000], value: value) }
                        for result in await producer.send(batch: batch) { if case .failure = result { failures += 1 } }
                        i += senders * batchSize
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        precondition(failures == 0, "FangyiKafka producer had \(failures) failures")
        return Double(count) / seconds(ContinuousClock.now - start)
    })
}
report("producer \(count)", raw: rawProduce, ours: ourProduce, target: ">= 0.80")

// Consumer throughput: one topic filled once, read by a fresh group per round.
try cluster.createTopic("bench.consume", partitions: consumePartitions)
_ = RawLibrdkafka.produce(bootstrap: bootstrap, topic: "bench.consume", count: consumeCount, value: value)
var rawConsume: [Double] = []
var ourConsume: [Double] = []
for round in 0..<rounds {
    rawConsume.append(RawLibrdkafka.consume(bootstrap: bootstrap, topic: "bench.consume", group: "bench-raw-\(round)", count: consumeCount))
    let consumer = try KafkaConsumer(
        configuration: KafkaConsumerConfiguration(kafka: KafkaConfiguration(bootstrapServers: bootstrap, statisticsInterval: nil), groupID: "bench-fangyi-\(round)"),
        topics: ["bench.consume"], logger: logger)
    var received = 0
    var bytes = 0
    var start: ContinuousClock.Instant? = nil
    while received < consumeCount, let batch = try await consumer.nextBatch(maxMessages: 1000) {
        if start == nil { start = .now; received -= 1 }  // timed from the first message, as the raw loop
        received += batch.count
        for message in batch { bytes &+= message.valueCount }
        try consumer.storeOffsets(for: batch)
    }
    ourConsume.append(Double(received) / seconds(ContinuousClock.now - (start ?? .now)))
    await consumer.close()
}
report("consumer \(consumeCount)", raw: rawConsume, ours: ourConsume, target: ">= 0.80")

// send-to-acknowledged latency at 10,000 msg/s, one `send` per message.
let rate = 10_000
let paced = min(count, 50_000)
try cluster.createTopic("bench.latency.raw", partitions: 6)
try cluster.createTopic("bench.latency.fangyi", partitions: 6)
let rawLatencies = RawLibrdkafka.pacedLatencies(bootstrap: bootstrap, topic: "bench.latency.raw", count: paced, rate: rate, value: value).sorted()
let ourLatencies: [UInt64] = try await withProducer { producer in
    _ = try await producer.send(KafkaProducerMessage(topic: "bench.latency.fangyi", key: nil, value: nil))
    return await withTaskGroup(of: UInt64?.self) { group in
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<paced {
            let due = start + .nanoseconds(Int64(i) * Int64(1_000_000_000 / rate))
            if clock.now < due { try? await clock.sleep(until: due, tolerance: .microseconds(50)) }
            group.addTask {
                let sent = ContinuousClock.now
                guard (try? await producer.send(KafkaProducerMessage(topic: "bench.latency.fangyi", key: nil, value: value))) != nil else { return nil }
                let d = ContinuousClock.now - sent
                return UInt64(d.components.seconds) * 1_000_000_000 + UInt64(d.components.attoseconds / 1_000_000_000)
            }
        }
        var all: [UInt64] = []
        for await sample in group { if let sample { all.append(sample) } }
        precondition(all.count == paced, "FangyiKafka latency run had \(paced - all.count) failed sends")
        return all
    }
}.sorted()
say(String(format: "send-to-ack @ %d msg/s  raw p50 %.2f ms p99 %.2f ms  fangyi p50 %.2f ms p99 %.2f ms  p99 ratio %.2f  (target fangyi p99 < 20 ms; %d sends)",
           rate, percentile(rawLatencies, 0.5), percentile(rawLatencies, 0.99),
           percentile(ourLatencies, 0.5), percentile(ourLatencies, 0.99),
           percentile(ourLatencies, 0.99) / max(percentile(rawLatencies, 0.99), 0.001), paced))
