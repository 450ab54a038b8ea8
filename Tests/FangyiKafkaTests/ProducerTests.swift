import FangyiKafka
import FangyiTesting
import Synchronization
import Testing

@Suite("Producer")
struct ProducerTests {
    @Test("a full local queue makes send wait, not throw")
    func fullQueueWaits() async throws {
        let kafka = try TestKafka(brokers: 1, label: "producer")
        let topic = try await kafka.createTopic("full-queue", partitions: 3)
        var config = kafka.producerConfiguration()
        config.maxQueuedMessages = 50
        let total = 5_000
        let batch = (0..<total).map { KafkaProducerMessage(topic: topic, key: Array("k\($0 % 7)".utf8), value: Array("\($0)".utf8)) }
        let results = try await kafka.withProducer(config) { producer in
            try await withDeadline("a batch 100 times the queue size") { await producer.send(batch: batch) }
        }
        let failures = results.compactMap { if case .failure(let error) = $0 { error } else { nil } }
        #expect(failures.isEmpty, "first failures: \(failures.prefix(3))")
        let reports = results.compactMap { try? $0.get() }
        #expect(Set(reports.map { "\($0.partition)/\($0.offset)" }).count == total, "every message has its own place")
    }

    @Test("a sender waiting for queue space is woken when the space frees up")
    func tinyQueueNeverStrandsASender() async throws {
        // With room for one message, nearly every send finds the queue full
        // (the previous message is released only after its delivery report
        // was served) and waits for space. If the space frees up between the
        // failed enqueue and the sender registering as a waiter, and nothing
        // else is in flight, no later event wakes it: the send hangs. Several
        // producers at once make that window likely within a few thousand sends.
        let kafka = try TestKafka(brokers: 1, label: "producer")
        let topic = try await kafka.createTopic("tiny-queue", partitions: 2)
        var tiny = kafka.producerConfiguration()
        tiny.maxQueuedMessages = 1
        let config = tiny
        let producers = 6
        let perProducer = 8_000
        let outcomes = try await withThrowingTaskGroup(of: (delivered: Int, stranded: Int?).self) { group in
            for _ in 0..<producers {
                group.addTask {
                    try await kafka.withProducer(config) { producer in
                        let sent = Counter()
                        do {
                            // Fails only when no send has finished for 30 s (a loaded machine is
                            // merely slow), not on the total time.
                            return try await withStallDeadline("\(perProducer) sends through a one-message queue",
                                                               progress: { sent.value.load(ordering: .relaxed) }) {
                                var delivered = 0
                                for i in 0..<perProducer {
                                    let message = KafkaProducerMessage(topic: topic, key: nil, value: Array("\(i)".utf8))
                                    if (try? await producer.send(message)) != nil { delivered += 1 }
                                    sent.value.add(1, ordering: .relaxed)
                                }
                                return (delivered, nil)
                            }
                        } catch is DeadlineExceeded {
                            // Stranded: report what librdkafka still holds (0 means nothing
                            // is in flight that could ever wake the waiting sender).
                            return (0, producer.pendingMessages)
                        }
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let stranded = outcomes.compactMap(\.stranded)
        #expect(stranded.isEmpty, "\(stranded.count) of \(producers) producers left a sender waiting for space; messages librdkafka still held: \(stranded)")
        #expect(outcomes.filter { $0.stranded == nil }.allSatisfy { $0.delivered == perProducer }, "every send of a producer that finished was acknowledged")
    }

    @Test("send after shutdown fails with producer.closed")
    func sendAfterShutdown() async throws {
        let kafka = try TestKafka(brokers: 1, label: "producer")
        let topic = try await kafka.createTopic("closed", partitions: 1)
        let producer = try await kafka.withProducer { producer in
            try await producer.send(KafkaProducerMessage(topic: topic, key: nil, value: [1]))
            return producer
        }
        // withProducer returned: run() has flushed and returned.
        let error = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaProducerMessage(topic: topic, key: nil, value: [2]))
        }
        #expect(error?.name == "fangyi.producer.closed")
        #expect(error?.isRetriable == false)
        #expect(error?.context["kafka.topic"] == topic)
        let batch = await producer.send(batch: [KafkaProducerMessage(topic: topic, key: nil, value: [3]), KafkaProducerMessage(topic: topic, key: nil, value: [4])])
        #expect(batch.count == 2)
        #expect(batch.allSatisfy { if case .failure(let e) = $0 { e.name == "fangyi.producer.closed" } else { false } })
    }

    @Test("sends racing with shutdown each end, acknowledged or refused; none hangs")
    func sendsRacingShutdown() async throws {
        let kafka = try TestKafka(brokers: 1, label: "producer")
        let topic = try await kafka.createTopic("shutdown-race", partitions: 2)
        let producer = try KafkaProducer(configuration: kafka.producerConfiguration(), logger: kafka.logger)
        let runner = Task { try await producer.run() }
        let delivered = DeliveredCount()
        let perSender = 2_000
        let senders = (0..<4).map { sender in
            Task { () -> (delivered: Int, refused: Bool, otherErrors: [KafkaError]) in
                var outcome = (delivered: 0, refused: false, otherErrors: [KafkaError]())
                for i in 0..<perSender {
                    do throws(KafkaError) {
                        try await producer.send(KafkaProducerMessage(topic: topic, key: nil, value: Array("\(sender)-\(i)".utf8)))
                        outcome.delivered += 1
                        delivered.add()
                    } catch where error.name == "fangyi.producer.closed" {
                        outcome.refused = true
                        break
                    } catch {
                        outcome.otherErrors.append(error)
                    }
                }
                return outcome
            }
        }
        try await eventually("senders are busy") { delivered.value >= 200 }
        runner.cancel()  // shutdown: run() flushes and returns
        try await runner.value
        let outcomes = try await withDeadline("every sender ending after shutdown") {
            var all: [(delivered: Int, refused: Bool, otherErrors: [KafkaError])] = []
            for sender in senders { all.append(await sender.value) }
            return all
        }
        #expect(outcomes.allSatisfy { $0.refused || $0.delivered == perSender }, "each sender was refused or got through")
        #expect(outcomes.allSatisfy { $0.otherErrors.isEmpty }, "\(outcomes.flatMap(\.otherErrors).prefix(3))")
    }

    @Test("one message's failure does not fail the rest of its batch")
    func perMessageFailure() async throws {
        let kafka = try TestKafka(brokers: 1, label: "producer")
        let topic = try await kafka.createTopic("partial", partitions: 2)
        let ok = { @Sendable (i: Int) in KafkaProducerMessage(topic: topic, key: nil, value: Array("ok-\(i)".utf8)) }
        let results = try await kafka.withProducer { producer in
            // Warm up so the topic's partition count is known when the batch is enqueued.
            try await producer.send(ok(-1))
            return await producer.send(batch: [
                ok(0),
                KafkaProducerMessage(topic: topic, partition: 999, key: nil, value: Array("nowhere".utf8)),
                ok(1),
                KafkaProducerMessage(topic: topic, key: nil, value: [UInt8](repeating: 0x61, count: 1_100_000)),
                ok(2),
            ])
        }
        #expect(results.count == 5)
        for index in [0, 2, 4] {
            #expect((try? results[index].get()) != nil, "message \(index) was delivered: \(results[index])")
        }
        guard case .failure(let unknownPartition) = results[1] else {
            Issue.record("a message to partition 999 of a 2-partition topic must fail: \(results[1])")
            return
        }
        #expect(unknownPartition.name == "_UNKNOWN_PARTITION")
        #expect(unknownPartition.code == -190)
        guard case .failure(let tooLarge) = results[3] else {
            Issue.record("a 1.1 MB message must fail (message.max.bytes is 1 MB): \(results[3])")
            return
        }
        #expect(tooLarge.name == "MSG_SIZE_TOO_LARGE")
        #expect(!tooLarge.isRetriable)
    }

    @Test("a message to a partition of a topic whose metadata is not known yet fails alone, too")
    func unknownPartitionBeforeMetadata() async throws {
        let kafka = try TestKafka(brokers: 1, label: "producer")
        let topic = try await kafka.createTopic("partial-cold", partitions: 2)
        let results = try await kafka.withProducer { producer in
            try await withDeadline("a batch with a message to a missing partition") {
                await producer.send(batch: [
                    KafkaProducerMessage(topic: topic, partition: 999, key: nil, value: [0]),
                    KafkaProducerMessage(topic: topic, partition: 1, key: nil, value: [1]),
                ])
            }
        }
        guard case .failure(let error) = results[0] else {
            Issue.record("partition 999 must fail: \(results[0])")
            return
        }
        #expect(error.name == "_UNKNOWN_PARTITION")
        #expect((try? results[1].get())?.partition == 1)
    }

    @Test("headers with null values, empty values and repeated keys round trip in order")
    func headersRoundTrip() async throws {
        let kafka = try TestKafka(brokers: 1, label: "producer")
        let topic = try await kafka.createTopic("headers", partitions: 1)
        let headers = [
            KafkaHeader(key: "trace", string: "abc"),
            KafkaHeader(key: "dup", string: "1"),
            KafkaHeader(key: "null", value: nil),
            KafkaHeader(key: "dup", string: "2"),
            KafkaHeader(key: "empty", value: []),
            KafkaHeader(key: "dup", value: nil),
            KafkaHeader(key: "binary", value: [0, 255, 0, 1]),
        ]
        try await kafka.withProducer { producer in
            try await producer.send(KafkaProducerMessage(topic: topic, key: Array("k".utf8), value: Array("with headers".utf8), headers: headers))
            try await producer.send(KafkaProducerMessage(topic: topic, key: nil, value: Array("no headers".utf8)))
        }
        let consumer = try KafkaConsumer(configuration: kafka.consumerConfiguration(group: "headers"), topics: [topic], logger: kafka.logger)
        let received = try await consumer.read { $0.count >= 2 }
        await consumer.close()
        try #require(received.count == 2)
        #expect(received[0].headers == headers)
        #expect(received[0].headers.string("dup") == "1", "the first of repeated keys")
        #expect(received[0].headers.filter { $0.key == "dup" }.map(\.value) == [Array("1".utf8), Array("2".utf8), nil])
        #expect(received[1].headers.isEmpty)
    }
}

/// Messages acknowledged so far, shared between sender tasks and the test.
private final class DeliveredCount: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add() { count.withLock { $0 += 1 } }
}

/// Sends finished so far, read by the stall watch.
private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
