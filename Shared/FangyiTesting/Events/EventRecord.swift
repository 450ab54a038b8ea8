public import FangyiEvents
public import FangyiKafka
public import Foundation

/// Builds Kafka records carrying events for tests: valid CloudEvents binary-mode
/// envelopes keyed by the event's partition key.
public enum EventRecord {
    /// The record for `event` on `topic`, with id `id` (derive it from the test's inputs so a
    /// re-send carries the same id) and `ce_time` `time`.
    public static func message<E: KeyedEvent>(_ event: E, topic: String, id: UUID, time: Date, source: String = "fangyi/test") throws -> KafkaProducerMessage {
        let envelope = try EventEnvelope.make(event, id: id, source: source, time: time)
        return KafkaProducerMessage(
            topic: topic, key: Array(event.partitionKey.utf8), value: envelope.data,
            headers: envelope.headers().map { KafkaHeader(key: $0.key, value: $0.value) })
    }
}

extension EventRecord {
    /// `event` as a consumer receives it (for ``EventProcessor/apply(_:)`` and `replay` without a
    /// broker): the same envelope as ``message(_:topic:id:time:source:)``, on `E`'s catalog topic
    /// unless `topic` is given, at `partition` and `offset`.
    public static func consumed<E: KeyedEvent>(_ event: E, id: UUID, time: Date, topic: String? = nil, partition: Int32 = 0,
                                               offset: Int64, source: String = "fangyi/test") throws -> KafkaMessage {
        let envelope = try EventEnvelope.make(event, id: id, source: source, time: time)
        return KafkaMessage(topic: topic ?? E.topic.name, partition: partition, offset: offset, key: Array(event.partitionKey.utf8),
                            value: envelope.data, headers: envelope.headers().map { KafkaHeader(key: $0.key, value: $0.value) })
    }
}
