public import FangyiEvents
public import FangyiKafka

/// One event handed to an ``EventHandler``: the decoded CloudEvents envelope
/// and the Kafka record it came from. Immutable and `Sendable`.
public struct InboundEvent: Sendable {
    /// The envelope (attributes and JSON payload).
    public let envelope: EventEnvelope
    /// The Kafka record (topic, partition, offset, key, headers).
    public let message: KafkaMessage

    /// Creates an inbound event.
    public init(envelope: EventEnvelope, message: KafkaMessage) {
        self.envelope = envelope
        self.message = message
    }

    /// The event id (`ce_id`), the inbox's deduplication key.
    public var id: String { envelope.id }

    /// Decodes the payload as `E`; throws when the type does not match or the JSON is invalid.
    public func decode<E: FangyiEvent>(_ type: E.Type) throws -> E {
        try envelope.decode(type)
    }
}
