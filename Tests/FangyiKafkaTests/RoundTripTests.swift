import FangyiKafka
import FangyiTesting
import Foundation
import Testing

@Suite("Producer and consumer round trip")
struct RoundTripTests {
    @Test("100,000 messages with keys and headers keep their order per key")
    func roundTripKeepsOrderPerKey() async throws {
        let kafka = try TestKafka()
        let topic = try await kafka.createTopic("roundtrip", partitions: 6)
        let total = 100_000
        let keys = 97
        let messages = (0..<total).map { i in
            KafkaProducerMessage(
                topic: topic, key: Array("key-\(i % keys)".utf8), value: Array("\(i)".utf8),
                headers: [KafkaHeader(key: "seq", string: "\(i)"), KafkaHeader(key: "empty", value: nil)])
        }
        let results = try await kafka.withProducer { producer in
            var all: [Result<DeliveryReport, KafkaError>] = []
            for start in stride(from: 0, to: total, by: 10_000) {
                all += await producer.send(batch: Array(messages[start..<min(start + 10_000, total)]))
            }
            return all
        }
        let failures = results.filter { if case .failure = $0 { true } else { false } }
        #expect(failures.isEmpty, "every message acknowledged")

        let consumer = try KafkaConsumer(configuration: kafka.consumerConfiguration(group: "roundtrip"), topics: [topic], logger: kafka.logger)
        var lastSeqByKey: [String: Int] = [:]
        var seen = 0
        var outOfOrder = 0
        var badHeaders = 0
        for try await message in consumer.messages() {
            let key = String(decoding: message.key ?? [], as: UTF8.self)
            let seq = Int(String(decoding: message.value ?? [], as: UTF8.self)) ?? -1
            if message.headers.string("seq") != String(seq) || message.headers.count != 2 || message.headers[1].value != nil { badHeaders += 1 }
            if let last = lastSeqByKey[key], last >= seq { outOfOrder += 1 }
            lastSeqByKey[key] = seq
            seen += 1
            if seen == total { break }
        }
        #expect(seen == total)
        #expect(outOfOrder == 0)
        #expect(badHeaders == 0)
        #expect(lastSeqByKey.count == keys)
    }

    @Test("a single send returns the partition and offset the broker stored")
    func singleSendReportsOffset() async throws {
        let kafka = try TestKafka(brokers: 1)
        let topic = try await kafka.createTopic("single", partitions: 1)
        let reports = try await kafka.withProducer { producer in
            [try await producer.send(KafkaProducerMessage(topic: topic, key: nil, value: [1, 2, 3])),
             try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: [9], value: []))]
        }
        #expect(reports.map(\.offset) == [0, 1])
        #expect(reports.allSatisfy { $0.partition == 0 && $0.topic == topic })
    }
}
