import FangyiEvents
import PostgresNIO

/// Why an event could not be applied, in the words that go into dead-letter
/// headers and logs: a stable code and a message without personal data.
public struct ProcessingFailure: Error, Sendable {
    /// A stable code, e.g. `database.40P01`.
    public let code: String
    /// What went wrong, without personal data.
    public let message: String

    /// Classifies any error thrown while decoding or applying events.
    public init(_ error: any Error) {
        switch error {
        case let error as EnvelopeError:
            code = error.code
            message = error.message
        case let error as PSQLError:
            let state = error.serverInfo?[.sqlState] ?? "-"
            code = "database.\(state)"
            message = "\(error.serverInfo?[.message] ?? "\(error.code)")"
        case let error as ProcessingFailure:
            self = error
        default:
            code = "handler.\(String(describing: type(of: error)))"
            message = "\(error)"
        }
    }

    init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// `true` for failures of the infrastructure rather than the event: the
    /// database unreachable, a serialization conflict, a deadlock. Those are
    /// retried until they pass and never dead-letter an event.
    static func isTransient(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        guard let error = error as? PSQLError else { return false }
        if error.code != .server { return true }  // connection lost, pool closed, timeouts
        guard let state = error.serverInfo?[.sqlState] else { return true }
        // 08 connection exception, 40 transaction rollback (serialization, deadlock),
        // 53 insufficient resources, 57 operator intervention (shutdown), 58 system error,
        // 55P03 lock not available (a lock timeout).
        return ["08", "40", "53", "57", "58"].contains(String(state.prefix(2))) || state == "55P03"
    }
}
