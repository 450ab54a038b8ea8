/// A service's business logic for one consumer group.
///
/// `handle` receives events in partition order, each exactly once in effect:
/// events already recorded in the inbox are filtered out before the call, and
/// the call runs inside the transaction that records the new ones. Throwing
/// rolls everything back; the processor then retries the events one by one and
/// dead-letters any that keep failing. Errors must not carry personal data:
/// their text lands in dead-letter headers and logs.
public protocol EventHandler: Sendable {
    /// Applies `events` inside `transaction`.
    func handle(_ events: [InboundEvent], in transaction: EventTransaction) async throws

    /// CPU work on a batch that needs no database, done ahead: the processor calls it for
    /// the next batch while the current one is in its transaction, so the two overlap.
    /// Typically decodes payloads and attaches them (``InboundEvent/attaching(_:)``);
    /// ``InboundEvent/decode(_:)`` then returns the attached value. It must not change
    /// state, and events it leaves as they are are handled as usual. The default returns
    /// `events` unchanged.
    func prepare(_ events: [InboundEvent]) async -> [InboundEvent]
}

extension EventHandler {
    public func prepare(_ events: [InboundEvent]) async -> [InboundEvent] { events }
}
