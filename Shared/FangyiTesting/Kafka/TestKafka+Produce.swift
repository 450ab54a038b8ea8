public import FangyiKafka

extension TestKafka {
    /// Sends `values` (as UTF-8, no key) to `topic` — to `partition` if given,
    /// else spread by librdkafka's partitioner — with a producer of its own,
    /// and returns where each one was stored. Throws the first delivery failure.
    @discardableResult
    public func produce(_ values: [String], to topic: String, partition: Int32? = nil) async throws -> [DeliveryReport] {
        let messages = values.map { KafkaProducerMessage(topic: topic, partition: partition, key: nil, value: Array($0.utf8)) }
        return try await withProducer { producer in
            try await producer.send(batch: messages).map { try $0.get() }
        }
    }
}
