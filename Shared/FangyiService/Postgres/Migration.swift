/// One forward-only schema change: a version, a name for people and the SQL.
///
/// Once a migration has been applied anywhere its SQL must never change; the
/// ``Migrator`` records a checksum and refuses to proceed when the code's SQL
/// differs from what was applied. Fix mistakes with a new migration.
///
/// The SQL may hold several statements (see ``SQLScript`` for how it is split);
/// all of them run in one transaction with `search_path` set to the target
/// schema, so unqualified names land there. Statements that cannot run in a
/// transaction (`CREATE INDEX CONCURRENTLY`) are not supported.
///
/// Concurrency: a value type; `Sendable`.
public struct Migration: Sendable, Hashable {
    /// Orders migrations; unique within a schema, greater than zero.
    public var version: Int
    /// A short description, e.g. `create_cases`.
    public var name: String
    /// The SQL to run.
    public var sql: String

    /// Creates a migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// A checksum of ``sql`` (FNV-1a 64, 16 hex digits), recorded when the
    /// migration is applied and compared on every later start.
    public var checksum: String {
        FNV1a64.hexDigest(self.sql)
    }
}
