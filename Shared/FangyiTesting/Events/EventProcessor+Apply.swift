public import FangyiEvents
public import FangyiService
public import Foundation

extension EventProcessor {
    /// Applies `events` as one consumed batch, as a service applies a batch from Kafka (inbox,
    /// handler, outbox), without a broker. Each event's id is derived from `idParts` and its
    /// index, so a test that applies the same call twice (same parts) sees the repeat skipped.
    public func apply(_ events: [any KeyedEvent], idParts: [String], time: Date) async throws {
        func consumed<E: KeyedEvent>(_ event: E, index: Int) throws -> InboundEvent {
            try InboundEvent(message: EventRecord.consumed(event, id: EventID.derive(idParts + [String(index)]), time: time,
                                                           offset: Int64(index)))
        }
        try await apply(events.enumerated().map { index, event in try consumed(event, index: index) })
    }
}
