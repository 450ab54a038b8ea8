/// A failure of the database layer that is ours rather than the server's: a
/// bad connection URL, an invalid schema name, a client run twice, a server
/// that did not answer in time.
///
/// Errors reported by PostgreSQL itself come through unchanged as PostgresNIO's
/// `PSQLError`, so callers can still inspect SQLSTATE codes.
///
/// Concurrency: a value type; `Sendable`.
public struct DatabaseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable machine-readable code, e.g. `database.invalid_url`.
    public var code: String

    /// What went wrong, for a person. Never contains a password.
    public var message: String

    /// Extra facts (`schema`, `host`, `component`...), never personal data or secrets.
    public var context: [String: String]

    /// Creates an error.
    public init(code: String, message: String, context: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// `<code>: <message> (key=value, ...)`.
    public var description: String {
        guard !self.context.isEmpty else { return "\(self.code): \(self.message)" }
        let context = self.context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        return "\(self.code): \(self.message) (\(context))"
    }
}

extension DatabaseError {
    /// The connection URL could not be parsed.
    public static let invalidURL = "database.invalid_url"
    /// A schema name is not a plain lower-case SQL identifier.
    public static let invalidSchema = "database.invalid_schema"
    /// `Database.run()` was called a second time.
    public static let alreadyRunning = "database.already_running"
    /// The server did not answer within the allowed time.
    public static let timeout = "database.timeout"
}
