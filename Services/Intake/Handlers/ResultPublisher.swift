public import FangyiEvents
public import FangyiKafka
import Foundation

/// Publishes accepted results on `lab.results.v1`, keyed by subject ref (pool results by
/// pool id), and returns only after the broker acknowledged or refused each one.
///
/// Concurrency: `Sendable`; one instance serves every request.
public struct ResultPublisher: Sendable {
    /// `ce_source` of every event intake publishes.
    public static let source = "fangyi/intake"

    private let producer: KafkaProducer

    /// Creates a publisher over `producer` (idempotent, acks=all).
    public init(producer: KafkaProducer) {
        self.producer = producer
    }

    /// The record for `accepted`. Throws only when the event cannot be encoded.
    public static func record(for accepted: AcceptedResult) throws(EnvelopeError) -> KafkaProducerMessage {
        let envelope: EventEnvelope
        let key: String
        switch accepted.event {
        case .individual(let event):
            envelope = try EventEnvelope.make(event, id: accepted.eventID, source: source, time: event.reportedAt)
            key = event.partitionKey
        case .pool(let event):
            envelope = try EventEnvelope.make(event, id: accepted.eventID, source: source, time: event.reportedAt)
            key = event.partitionKey
        }
        return record(envelope, topic: TopicCatalog.labResults.name, key: key)
    }

    /// The Kafka record carrying `envelope`.
    public static func record(_ envelope: EventEnvelope, topic: String, key: String) -> KafkaProducerMessage {
        KafkaProducerMessage(topic: topic, key: Array(key.utf8), value: envelope.data,
                             headers: envelope.headers().map { KafkaHeader(key: $0.key, value: $0.value) })
    }

    /// Sends `records` and returns each one's outcome, in order.
    public func send(_ records: [KafkaProducerMessage]) async -> [Result<DeliveryReport, KafkaError>] {
        await producer.send(batch: records)
    }
}
