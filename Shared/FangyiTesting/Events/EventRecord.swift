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
