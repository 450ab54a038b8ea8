import FangyiKafka
import FangyiTesting
import Testing

@Suite("Broker outages", .enabled(if: TestKafka.runsOnMockCluster, "fault injection needs the in-process mock cluster"))
struct BrokerOutageTests {
    @Test("a broker set down and up while producing loses no acknowledged message")
    func brokerDownAndUpLosesNothing() async throws {
        let kafka = try TestKafka(brokers: 3, label: "outage")
        let mock = try #require(kafka.mock)
        let topic = try await kafka.createTopic("outage", partitions: 6)
        // Known leaders: broker b leads partitions b-1 and b+2.
        for partition in Int32(0)..<6 {
            try mock.setPartitionLeader(topic: topic, partition: partition, brokerID: partition % 3 + 1)
        }
        // Rounds during which a broker goes down and comes back.
        let outages: [Int: Int32] = [3: 1, 10: 2]
        let rounds = 20
        let perRound = 500

        // Long enough that no message times out during the outages: every one must be acknowledged.
        let config = kafka.producerConfiguration(deliveryTimeout: .seconds(120))
        let outcome = try await kafka.withProducer(config) { producer in
            var outcome: [(id: String, result: Result<DeliveryReport, KafkaError>)] = []
            for round in 0..<rounds {
                let ids = (0..<perRound).map { "r\(round)-\($0)" }
                async let results = producer.send(batch: ids.map { KafkaProducerMessage(topic: topic, key: Array($0.utf8), value: Array($0.utf8)) })
                if let broker = outages[round] {
                    // Down while this round is being enqueued and sent.
                    outcome += try await Self.outage(of: broker, on: mock, producer: producer, topic: topic)
                }
                outcome += zip(ids, await results).map { ($0, $1) }
            }
            return outcome
        }

        let failures = outcome.filter { if case .failure = $0.result { true } else { false } }
        #expect(failures.isEmpty, "\(failures.count) messages not acknowledged, e.g. \(failures.prefix(3).map { "\($0.id): \($0.result)" })")
        var acknowledged: [String: DeliveryReport] = [:]
        for (id, result) in outcome { if case .success(let report) = result { acknowledged[id] = report } }
        #expect(acknowledged.count == rounds * perRound + outages.count * 51)

        // Read everything back up to the highest acknowledged offset of every partition.
        var endOffsets: [Int32: Int64] = [:]
        for report in acknowledged.values { endOffsets[report.partition] = max(endOffsets[report.partition] ?? 0, report.offset + 1) }
        let consumer = RecordingConsumer(try KafkaConsumer(configuration: kafka.consumerConfiguration(group: "outage"), topics: [topic], logger: kafka.logger))
        consumer.start()
        try await eventually("every partition read up to its last acknowledged offset") {
            var reached: [Int32: Int64] = [:]
            for record in consumer.records { reached[record.topicPartition.partition] = max(reached[record.topicPartition.partition] ?? 0, record.offset + 1) }
            return endOffsets.allSatisfy { reached[$0.key, default: 0] >= $0.value }
        }
        await consumer.stop()

        var stored: [String: String] = [:]  // "partition/offset" -> id
        var copies: [String: Int] = [:]
        for record in consumer.records {
            stored["\(record.topicPartition.partition)/\(record.offset)"] = record.value
            copies[record.value, default: 0] += 1
        }
        let lost = acknowledged.filter { copies[$0.key] == nil }
        #expect(lost.isEmpty, "\(lost.count) acknowledged messages were not found, e.g. \(lost.keys.sorted().prefix(5))")
        let misplaced = acknowledged.filter { stored["\($0.value.partition)/\($0.value.offset)"] != $0.key }
        #expect(misplaced.isEmpty, "\(misplaced.count) messages are not where their delivery report said")
        let duplicated = copies.filter { $0.value > 1 }
        // librdkafka's mock broker checks idempotent-producer sequence numbers
        // only for transactional producers (rd_kafka_mock_validate_records), so a
        // produce request retried after its response was lost in the outage can
        // be appended twice there — a real broker discards the retry. Copies may
        // therefore appear on the partitions of the brokers that went down, never
        // elsewhere.
        let downPartitions = Set(outages.values.flatMap { [$0 - 1, $0 + 2] })
        let duplicatedElsewhere = duplicated.keys.filter { id in acknowledged[id].map { !downPartitions.contains($0.partition) } ?? true }
        #expect(duplicatedElsewhere.isEmpty, "copies on partitions whose broker never went down: \(duplicatedElsewhere.prefix(5))")
        #expect(duplicated.count <= perRound, "at most the messages in flight when a broker went down: \(duplicated.count)")
    }

    /// Takes `broker` down and checks that, meanwhile, the other brokers keep
    /// acknowledging and a message for one of its partitions waits; then brings
    /// it back and checks that message is delivered. Returns the probes' outcomes.
    static func outage(of broker: Int32, on mock: MockCluster, producer: KafkaProducer, topic: String) async throws -> [(id: String, result: Result<DeliveryReport, KafkaError>)] {
        try mock.setBrokerDown(broker)
        let downPartition = broker - 1
        let livePartition = broker % 3  // led by the next broker, which stays up
        let stuckID = "stuck-\(broker)"
        async let stuck = producer.send(batch: [KafkaProducerMessage(topic: topic, partition: downPartition, key: nil, value: Array(stuckID.utf8))])
        let liveIDs = (0..<50).map { "live-\(broker)-\($0)" }
        let live = await producer.send(batch: liveIDs.map { KafkaProducerMessage(topic: topic, partition: livePartition, key: nil, value: Array($0.utf8)) })
        #expect(live.allSatisfy { (try? $0.get()) != nil }, "a live broker acknowledges while broker \(broker) is down")
        #expect(producer.pendingMessages > 0, "messages for broker \(broker) wait for it")
        try mock.setBrokerUp(broker)
        let stuckResult = await stuck[0]
        #expect((try? stuckResult.get())?.partition == downPartition, "the message that waited for broker \(broker) is delivered: \(stuckResult)")
        return zip(liveIDs, live).map { ($0, $1) } + [(stuckID, stuckResult)]
    }

    @Test("with every broker down, send fails with a retriable timeout instead of hanging, and a retry succeeds later")
    func allBrokersDown() async throws {
        let kafka = try TestKafka(brokers: 3, label: "outage")
        let mock = try #require(kafka.mock)
        let topic = try await kafka.createTopic("all-down", partitions: 3)
        let config = kafka.producerConfiguration(deliveryTimeout: .seconds(2))
        let message = KafkaProducerMessage(topic: topic, key: nil, value: Array("hello".utf8))

        try await kafka.withProducer(config) { producer in
            // Connected first: metadata and producer id are known.
            try await producer.send(message)

            for broker in mock.brokerIDs { try mock.setBrokerDown(broker) }
            let result = try await withDeadline("send with every broker down") { await producer.send(batch: [message]) }
            guard case .failure(let error) = result[0] else {
                Issue.record("a send with every broker down must fail, got \(result[0])")
                return
            }
            #expect(error.code == -192, "RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, got \(error)")
            #expect(error.name == "_MSG_TIMED_OUT")
            #expect(error.isRetriable)
            #expect(!error.isFatal)
            #expect(producer.fatalKafkaError == nil)

            for broker in mock.brokerIDs { try mock.setBrokerUp(broker) }
            // librdkafka reconnects with backoff, so the first retries may time out too; each
            // must be retriable, and one must succeed.
            var retryErrors: [KafkaError] = []
            try await eventually("a retry succeeds once the brokers are back") {
                do throws(KafkaError) {
                    try await producer.send(message)
                    return true
                } catch {
                    retryErrors.append(error)
                    return false
                }
            }
            #expect(retryErrors.allSatisfy { $0.isRetriable }, "\(retryErrors)")
        }
    }
}
