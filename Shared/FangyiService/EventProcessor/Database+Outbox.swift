import Foundation
public import Logging

extension Database {
    /// Runs `body` in one transaction whose published events go to the outbox in that same
    /// transaction, for state changes that no consumed event causes (a schedule, an admin
    /// request): the change and its events commit together, as in the ``EventProcessor``.
    /// Wakes `relay` when events were written.
    ///
    /// Rejections (``EventTransaction/reject(_:code:message:)``) make no sense without a
    /// consumed event and are refused with ``OutboxTransactionError``.
    public func withOutboxTransaction<Result: Sendable>(
        level: TransactionIsolation = .readCommitted,
        relay: OutboxRelay?,
        logger: Logger? = nil,
        _ body: (EventTransaction) async throws -> Result
    ) async throws -> Result {
        let logger = logger ?? self.logger
        let (result, published) = try await withTransaction(logger: logger, level: level) { connection -> (Result, Int) in
            let transaction = EventTransaction(connection: connection)
            let result = try await body(transaction)
            guard transaction.rejected.isEmpty else { throw OutboxTransactionError() }
            try await EventStore.appendOutbox(transaction.outbound, on: connection, logger: logger)
            return (result, transaction.outbound.count)
        }
        if published > 0 { relay?.notify() }
        return result
    }
}

/// A transaction outside the event processor tried to dead-letter an event.
public struct OutboxTransactionError: Error, CustomStringConvertible {
    public var description: String { "outbox.reject_unsupported: only the event processor can dead-letter a consumed event" }
}
