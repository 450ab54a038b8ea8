@_spi(Testing) import FangyiKafka
import FangyiTesting
import Testing

@Suite("Fatal producer errors")
struct FatalErrorTests {
    @Test("a fatal producer error is surfaced to every later send, not swallowed")
    func fatalErrorSurfaces() async throws {
        let kafka = try TestKafka(brokers: 1)
        let topic = try await kafka.createTopic("fatal", partitions: 1)
        try await kafka.withProducer { producer in
            _ = try await producer.send(KafkaProducerMessage(topic: topic, key: nil, value: [1]))
            #expect(producer.fatalKafkaError == nil)
            producer.triggerFatalErrorForTesting()
            // The error arrives through librdkafka's error callback, served by the producer's loop.
            try await eventually("fatal error reported") { producer.fatalKafkaError != nil }
            let fatal = try #require(producer.fatalKafkaError)
            #expect(fatal.isFatal)
            #expect(!fatal.isRetriable)
            #expect(fatal.name == "OUT_OF_ORDER_SEQUENCE_NUMBER")
            await #expect(throws: KafkaError.self) {
                try await producer.send(KafkaProducerMessage(topic: topic, key: nil, value: [2]))
            }
            let results = await producer.send(batch: [KafkaProducerMessage(topic: topic, key: nil, value: [3])])
            guard case .failure(let error) = results[0] else {
                Issue.record("a send after a fatal error succeeded")
                return
            }
            #expect(error.isFatal)
        }
    }
}
