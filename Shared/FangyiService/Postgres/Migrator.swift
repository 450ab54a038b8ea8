public import Logging
import PostgresNIO

/// Brings a schema up to date with a list of ``Migration``s.
///
/// All work happens on one connection holding a session-level
/// `pg_advisory_lock` whose key is derived from the schema name, so two
/// processes starting at once serialize: the second waits, then finds nothing
/// left to do. The lock is released at the end, on error too (and if even the
/// unlock fails the connection is closed, which releases it).
///
/// Under the lock the migrator creates the schema if it is missing, creates
/// `<schema>.schema_migrations(version, name, checksum, applied_at)`, checks
/// that every applied migration's recorded checksum matches the code, and
/// applies the pending ones in version order, each in its own transaction
/// together with its row in `schema_migrations`.
///
/// Concurrency: stateless; safe to call concurrently from many tasks and
/// processes.
public enum Migrator {
    /// The bookkeeping table created in each migrated schema.
    public static let tableName = "schema_migrations"

    /// Applies the pending migrations to `database.schema`.
    ///
    /// - Returns: The migrations applied by this call, in order (empty when up to date).
    @discardableResult
    public static func migrate(_ migrations: [Migration], database: Database, logger: Logger) async throws -> [Migration] {
        try await self.migrate(migrations, schema: database.schema, database: database, logger: logger)
    }

    /// Applies the pending migrations to `schema`, which may differ from
    /// `database.schema` (each migration sets `search_path` for itself).
    ///
    /// - Returns: The migrations applied by this call, in order (empty when up to date).
    /// - Throws: `MigrationError` (`migration.checksum_mismatch`,
    ///   `migration.duplicate_version`, `migration.invalid`, `migration.failed`),
    ///   `DatabaseError` `database.invalid_schema`, or a PostgreSQL error from the
    ///   bookkeeping statements.
    @discardableResult
    public static func migrate(
        _ migrations: [Migration],
        schema: String,
        database: Database,
        logger: Logger
    ) async throws -> [Migration] {
        try Database.validate(schema: schema)
        let ordered = try self.validated(migrations, schema: schema)
        var logger = logger
        logger[metadataKey: "db.schema"] = "\(schema)"
        let key = self.advisoryLockKey(schema: schema)

        return try await database.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(key))", logger: logger)
            let applied: [Migration]
            do {
                applied = try await self.applyPending(ordered, schema: schema, connection: connection, logger: logger)
            } catch {
                await self.unlock(key: key, connection: connection, logger: logger)
                throw error
            }
            await self.unlock(key: key, connection: connection, logger: logger)
            return applied
        }
    }

    /// The advisory-lock key for `schema`: FNV-1a 64 of `fangyi.migrate:<schema>`,
    /// reinterpreted as a signed 64-bit integer. Stable across processes and releases.
    public static func advisoryLockKey(schema: String) -> Int64 {
        Int64(bitPattern: FNV1a64.hash("fangyi.migrate:\(schema)"))
    }

    // MARK: - Steps

    private static func validated(_ migrations: [Migration], schema: String) throws -> [Migration] {
        var seen = Set<Int>()
        for migration in migrations {
            guard migration.version > 0, !migration.name.isEmpty else {
                throw MigrationError(
                    code: MigrationError.invalidMigration,
                    message: "migration versions must be greater than 0 and names non-empty",
                    schema: schema,
                    version: migration.version
                )
            }
            guard seen.insert(migration.version).inserted else {
                throw MigrationError(
                    code: MigrationError.duplicateVersion,
                    message: "two migrations share version \(migration.version)",
                    schema: schema,
                    version: migration.version
                )
            }
        }
        return migrations.sorted { $0.version < $1.version }
    }

    private static func applyPending(
        _ migrations: [Migration],
        schema: String,
        connection: PostgresConnection,
        logger: Logger
    ) async throws -> [Migration] {
        let table = "\"\(schema)\".\(self.tableName)"

        // Check before creating: CREATE SCHEMA needs the CREATE privilege on the
        // database even with IF NOT EXISTS, and operators may pre-create schemas.
        var schemaExists = false
        for try await _ in try await connection.query("SELECT 1 FROM pg_namespace WHERE nspname = \(schema)", logger: logger) {
            schemaExists = true
        }
        if !schemaExists {
            try await connection.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: "\"\(schema)\"")", logger: logger)
            logger.info("created schema")
        }
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS \(unescaped: table) (
                version bigint PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            logger: logger
        )

        var recorded: [Int: (name: String, checksum: String)] = [:]
        let rows = try await connection.query("SELECT version, name, checksum FROM \(unescaped: table)", logger: logger)
        for try await (version, name, checksum) in rows.decode((Int, String, String).self) {
            recorded[version] = (name, checksum)
        }

        let known = Set(migrations.map(\.version))
        for (version, entry) in recorded.sorted(by: { $0.key < $1.key }) where !known.contains(version) {
            logger.warning(
                "schema has a migration this code does not know; was a newer release deployed?",
                metadata: ["db.migration.version": "\(version)", "db.migration.name": "\(entry.name)"]
            )
        }
        for migration in migrations {
            guard let entry = recorded[migration.version] else { continue }
            guard entry.checksum == migration.checksum else {
                throw MigrationError(
                    code: MigrationError.checksumMismatch,
                    message: """
                        migration \(migration.version) (\(migration.name)) was applied with checksum \(entry.checksum) \
                        but the code's SQL has checksum \(migration.checksum); applied migrations must never change, \
                        add a new migration instead
                        """,
                    schema: schema,
                    version: migration.version
                )
            }
        }

        var applied: [Migration] = []
        for migration in migrations where recorded[migration.version] == nil {
            let started = ContinuousClock.now
            do {
                try await Database.inTransaction(on: connection, logger: logger) { connection in
                    try await connection.query("SET LOCAL search_path TO \(unescaped: "\"\(schema)\"")", logger: logger)
                    for statement in SQLScript(migration.sql).statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        """
                        INSERT INTO \(unescaped: table) (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                        """,
                        logger: logger
                    )
                }
            } catch {
                throw MigrationError(
                    code: MigrationError.failed,
                    message: "migration \(migration.version) (\(migration.name)) failed and was rolled back",
                    schema: schema,
                    version: migration.version,
                    underlying: error
                )
            }
            applied.append(migration)
            logger.info(
                "applied migration",
                metadata: [
                    "db.migration.version": "\(migration.version)",
                    "db.migration.name": "\(migration.name)",
                    "db.migration.duration_seconds": "\((ContinuousClock.now - started).seconds)",
                ]
            )
        }
        if applied.isEmpty {
            logger.debug("schema is up to date", metadata: ["db.migration.count": "\(migrations.count)"])
        }
        return applied
    }

    private static func unlock(key: Int64, connection: PostgresConnection, logger: Logger) async {
        do {
            try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
        } catch {
            logger.warning(
                "advisory unlock failed; closing the connection to release the lock",
                metadata: ["error": "\(String(reflecting: error))"]
            )
            try? await connection.close()
        }
    }
}
