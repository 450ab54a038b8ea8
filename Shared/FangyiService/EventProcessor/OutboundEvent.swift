public import FangyiEvents
public import Foundation

/// An event a handler publishes: written to the outbox in the handler's
/// transaction, sent to Kafka by the ``OutboxRelay`` after the commit.
public struct OutboundEvent: Sendable {
    /// The destination topic.
    public var topic: String
    /// The record key (per-key order is kept).
    public var key: String
    /// The envelope to publish.
    public var envelope: EventEnvelope

    /// Creates an outbound event from its parts.
    public init(topic: String, key: String, envelope: EventEnvelope) {
        self.topic = topic
        self.key = key
        self.envelope = envelope
    }

    /// Builds the envelope for `event` on its catalog topic, keyed by its partition key.
    ///
    /// - Parameters:
    ///   - id: A deterministic id (``EventID``) from the inputs that caused the event,
    ///     so a re-run produces the same id and consumers drop the repeat.
    ///   - cause: The inbound event that caused this one; its id becomes the
    ///     causation id and its trace context is carried over.
    public init<E: KeyedEvent>(_ event: E, id: UUID, source: String, time: Date, subject: String? = nil, cause: InboundEvent? = nil) throws {
        let envelope = try EventEnvelope.make(
            event, id: id, source: source, time: time, subject: subject,
            causationId: cause?.envelope.id, traceparent: cause?.envelope.traceparent)
        self.init(topic: E.topic.name, key: event.partitionKey, envelope: envelope)
    }
}
