import Foundation
public import FangyiEvents
public import FangyiKafka

/// One event handed to an ``EventHandler``: the decoded CloudEvents envelope
/// and the Kafka record it came from. Immutable and `Sendable`.
public struct InboundEvent: Sendable {
    /// The envelope (attributes and JSON payload).
    public let envelope: EventEnvelope
    /// The Kafka record (topic, partition, offset, key, headers).
    public let message: KafkaMessage
    /// The payload decoded ahead by ``EventHandler/prepare(_:)``, if it was.
    private let payload: (any FangyiEvent)?

    /// Creates an inbound event.
    public init(envelope: EventEnvelope, message: KafkaMessage) {
        self.envelope = envelope
        self.message = message
        self.payload = nil
    }

    private init(envelope: EventEnvelope, message: KafkaMessage, payload: (any FangyiEvent)?) {
        self.envelope = envelope
        self.message = message
        self.payload = payload
    }

    /// This event with its payload already decoded; ``decode(_:)`` returns it for its type.
    public func attaching(_ payload: any FangyiEvent) -> InboundEvent {
        InboundEvent(envelope: envelope, message: message, payload: payload)
    }

    /// Reads the CloudEvents binary-mode envelope of a consumed record; throws
    /// ``EnvelopeError`` when its headers do not form a valid event.
    public init(message: KafkaMessage) throws {
        self.envelope = try EventEnvelope(headers: message.headers.map { ($0.key, $0.value) }, value: message.value ?? [])
        self.message = message
        self.payload = nil
    }

    /// The event id (`ce_id`), the inbox's deduplication key.
    public var id: String { envelope.id }

    /// Decodes the payload as `E`; throws when the type does not match or the JSON is invalid.
    public func decode<E: FangyiEvent>(_ type: E.Type) throws -> E {
        if envelope.type == E.eventType, let payload = payload as? E { return payload }
        return try envelope.decode(type)
    }
}

extension Collection where Index == Int, Element: Sendable {
    /// `transform` applied to every element, in order, one result per element. Large
    /// collections (a mass-testing round, a check-in upload) are split across the machine's
    /// cores: JSON decoding is CPU-bound, and while one batch's transaction waits on the
    /// database the other core would otherwise sit idle.
    public func concurrentMap<T: Sendable>(
        minimumPerTask: Int = 256, _ transform: @escaping @Sendable (Element) throws -> T
    ) async -> [Result<T, any Error>] {
        let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
        let tasks = Swift.min(cores, count / Swift.max(1, minimumPerTask))
        guard tasks > 1 else { return map { element in Result { try transform(element) } } }
        let elements = Array(self)
        let chunk = (elements.count + tasks - 1) / tasks
        return await withTaskGroup(of: (Int, [Result<T, any Error>]).self) { group in
            for start in stride(from: 0, to: elements.count, by: chunk) {
                let slice = elements[start..<Swift.min(start + chunk, elements.count)]
                group.addTask { (start, slice.map { element in Result { try transform(element) } }) }
            }
            var parts: [(Int, [Result<T, any Error>])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}

extension Collection where Element == InboundEvent, Index == Int {
    /// Decodes every payload as `E`, in order, one result per event, on every core.
    public func decodeAll<E: FangyiEvent>(_ type: E.Type) async -> [Result<E, any Error>] {
        await concurrentMap { try $0.decode(type) }
    }
}
