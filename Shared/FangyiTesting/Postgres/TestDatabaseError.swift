/// Why a test database could not be provided.
///
/// Concurrency: a value type; `Sendable`.
public struct TestDatabaseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable code: `test_database.invalid_url` or `test_database.unreachable`.
    public var code: String
    /// What went wrong and how to fix it.
    public var message: String

    /// Creates an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// `<code>: <message>`.
    public var description: String { "\(self.code): \(self.message)" }
}
