/// Why migrations could not be applied.
///
/// Concurrency: `Sendable`.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    /// Stable machine-readable code, e.g. `migration.checksum_mismatch`.
    public var code: String
    /// What went wrong and what to do, for a person.
    public var message: String
    /// The schema being migrated.
    public var schema: String
    /// The migration concerned, when there is one.
    public var version: Int?
    /// The error PostgreSQL reported, for `migration.failed`.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(code: String, message: String, schema: String, version: Int? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.schema = schema
        self.version = version
        self.underlying = underlying
    }

    /// `<code>: <message> (schema=..., version=...)` and the underlying error, if any.
    public var description: String {
        var text = "\(self.code): \(self.message) (schema=\(self.schema)"
        if let version { text += ", version=\(version)" }
        text += ")"
        if let underlying { text += ": \(String(reflecting: underlying))" }
        return text
    }
}

extension MigrationError {
    /// The recorded checksum of an applied migration differs from the code's SQL.
    public static let checksumMismatch = "migration.checksum_mismatch"
    /// Two migrations in the list share a version.
    public static let duplicateVersion = "migration.duplicate_version"
    /// A migration has a version below 1 or an empty name.
    public static let invalidMigration = "migration.invalid"
    /// A migration's SQL failed; its transaction was rolled back.
    public static let failed = "migration.failed"
}
