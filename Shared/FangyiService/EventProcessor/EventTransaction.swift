public import PostgresNIO

/// The transaction a batch of events is applied in.
///
/// Handlers run their SQL on ``connection`` and queue outgoing events with
/// ``publish(_:)``; the processor writes them to the outbox in the same
/// transaction, so either the state change and its events are both committed
/// or neither is. Not `Sendable`: it belongs to the processing task for the
/// duration of one `handle` call.
public final class EventTransaction {
    /// The connection inside `BEGIN` ... `COMMIT`; `search_path` is the service's schema.
    public let connection: PostgresConnection
    private(set) var outbound: [OutboundEvent] = []
    private(set) var rejected: [(event: InboundEvent, code: String, message: String)] = []

    init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Queues `event` for publication once the transaction commits.
    public func publish(_ event: OutboundEvent) {
        outbound.append(event)
    }

    /// Dead-letters `event` as invalid without failing the rest of the batch: its
    /// dead-letter record goes to the outbox in this transaction, so it is written
    /// exactly when the batch commits. Use it for input that no retry can fix (a
    /// missing field, a time in the future); `code` and `message` must not contain
    /// personal data.
    public func reject(_ event: InboundEvent, code: String, message: String) {
        rejected.append((event, code, message))
    }
}
