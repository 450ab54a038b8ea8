public import Logging
public import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// A pool of PostgreSQL connections bound to one schema.
///
/// Every connection the pool opens has `search_path` set to the schema through
/// a startup parameter, so unqualified table names in a service's SQL resolve
/// to its own schema at no cost per query or per transaction. (The alternative,
/// `SET LOCAL search_path` inside every transaction, costs a round trip each
/// time and does not cover plain `withConnection` use.) Consequently one
/// `Database` serves exactly one schema; a process that needs two schemas
/// creates two.
///
/// `Database` is a swift-service-lifecycle `Service`: add it to the
/// `ServiceGroup` *before* the services that use it, so that it is shut down
/// after them. Nothing can be leased until ``run()`` is running; cancelling or
/// gracefully shutting down ``run()`` closes the pool.
///
/// Concurrency: `Sendable`; all methods may be called concurrently from any task.
public final class Database: Service, Sendable, CustomStringConvertible {
    /// The schema every connection's `search_path` points to.
    public let schema: String

    /// Where the pool connects.
    public let configuration: DatabaseConfiguration

    let client: PostgresClient
    let logger: Logger
    // Assigned after the last throwing statement in `init`: Swift 6.3.1's optimizer crashes
    // ("Found outside of lifetime use") destroying a noncopyable property on a failed init.
    private let started: Atomic<Bool>

    /// Creates a pool; it opens no connection until ``run()`` is called.
    ///
    /// - Parameters:
    ///   - configuration: Server, credentials and pool size.
    ///   - schema: The schema to bind to; a lower-case SQL identifier (see ``validate(schema:)``).
    ///     It need not exist yet: ``Migrator`` creates it.
    ///   - logger: Used for the pool's background messages and as the default query logger.
    /// - Throws: `DatabaseError` `database.invalid_schema`.
    public init(configuration: DatabaseConfiguration, schema: String, logger: Logger) throws(DatabaseError) {
        try Self.validate(schema: schema)
        self.started = Atomic(false)
        self.schema = schema
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "db.schema"] = "\(schema)"
        self.logger = logger
        self.client = PostgresClient(
            configuration: configuration.clientConfiguration(searchPath: schema),
            backgroundLogger: logger
        )
    }

    /// `Database(<redacted url>, schema: <schema>)`, for logs and service group messages.
    public var description: String {
        "Database(\(self.configuration.redactedURL), schema: \(self.schema))"
    }

    /// Runs the pool until the task is cancelled or the service group shuts down.
    /// Call it exactly once.
    ///
    /// - Throws: `DatabaseError` `database.already_running` on a second call.
    public func run() async throws {
        guard self.started.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
            throw DatabaseError(
                code: DatabaseError.alreadyRunning,
                message: "Database.run() was called more than once",
                context: ["db.schema": self.schema]
            )
        }
        self.logger.debug("database pool running", metadata: ["db.url": "\(self.configuration.redactedURL)"])
        await self.client.run()
        self.logger.debug("database pool stopped")
    }

    /// Leases a connection for the duration of `body`. The connection is in
    /// autocommit mode with `search_path` set to ``schema``; `body` must not
    /// keep it after returning.
    ///
    /// Waits for a free connection if all are leased; honours task cancellation.
    @discardableResult
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await self.client.withConnection(isolation: isolation, body)
    }

    /// Runs `body` inside `BEGIN` ... `COMMIT` on one leased connection.
    ///
    /// If `body` throws, the transaction is rolled back and `body`'s error is
    /// rethrown unchanged. If the rollback itself fails (for example because
    /// the task was cancelled), the connection is closed, which makes the
    /// server abort the transaction, so that a connection still inside a
    /// transaction is never returned to the pool. A failing `COMMIT` throws
    /// the server's error; the server has then rolled back.
    ///
    /// - Parameters:
    ///   - logger: Logger for the transaction's statements; defaults to the database's.
    ///   - body: The work; use the given connection for every statement.
    @discardableResult
    public func withTransaction<Result>(
        logger: Logger? = nil,
        level: TransactionIsolation = .readCommitted,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        let logger = logger ?? self.logger
        return try await self.client.withConnection(isolation: isolation) { connection in
            try await Self.inTransaction(on: connection, logger: logger, level: level, isolation: isolation, body)
        }
    }

    /// Runs `body` between `BEGIN` and `COMMIT` on `connection` (see ``withTransaction(logger:level:isolation:_:)``).
    static func inTransaction<Result>(
        on connection: PostgresConnection,
        logger: Logger,
        level: TransactionIsolation = .readCommitted,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await connection.query(PostgresQuery(unsafeSQL: "BEGIN ISOLATION LEVEL \(level.rawValue)"), logger: logger)
        let result: Result
        do {
            result = try await body(connection)
        } catch {
            do {
                try await connection.query("ROLLBACK", logger: logger)
            } catch let rollbackError {
                logger.warning(
                    "rollback failed; closing the connection so the server aborts the transaction",
                    metadata: ["error": "\(String(reflecting: rollbackError))"]
                )
                try? await connection.close()
            }
            throw error
        }
        try await connection.query("COMMIT", logger: logger)
        return result
    }

    /// Runs `SELECT 1` and returns when the server answered.
    ///
    /// - Throws: `DatabaseError` `database.timeout` if no answer came within
    ///   `timeout` (a down server makes the pool retry connecting, so without a
    ///   limit this would wait), or the server's error.
    public func ping(timeout: Duration = .seconds(2)) async throws {
        let client = self.client
        let logger = self.logger
        do {
            try await withDeadline(timeout) {
                try await client.withConnection { connection in
                    let rows = try await connection.query("SELECT 1", logger: logger)
                    for try await _ in rows {}
                }
            }
        } catch let error as DeadlineExceededError {
            throw DatabaseError(
                code: DatabaseError.timeout,
                message: "PostgreSQL did not answer within \(error.timeout)",
                context: ["db.host": self.configuration.host, "db.port": String(self.configuration.port)]
            )
        }
    }

    /// A readiness check named `name` that passes when ``ping(timeout:)`` succeeds.
    public func readinessCheck(name: String = "database", timeout: Duration = .seconds(2)) -> ReadinessCheck {
        ReadinessCheck(name: name) { [self] in
            try await self.ping(timeout: timeout)
            return true
        }
    }

    /// Checks that `schema` is safe to splice into SQL unquoted: 1 to 63
    /// characters of `a-z`, `0-9` and `_`, not starting with a digit, and not
    /// starting with `pg_` (reserved by PostgreSQL).
    ///
    /// - Throws: `DatabaseError` `database.invalid_schema`.
    public static func validate(schema: String) throws(DatabaseError) {
        let bytes = Array(schema.utf8)
        let valid =
            (1...63).contains(bytes.count)
            && !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[0])
            && !schema.hasPrefix("pg_")
            && bytes.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "_")
            }
        guard valid else {
            throw DatabaseError(
                code: DatabaseError.invalidSchema,
                message: "schema name must be 1-63 characters of a-z, 0-9 and _, not start with a digit or pg_",
                context: ["db.schema": schema]
            )
        }
    }
}

/// A transaction's isolation level.
public enum TransactionIsolation: String, Sendable {
    /// Each statement sees what was committed before it began (PostgreSQL's default).
    case readCommitted = "READ COMMITTED"
    /// The transaction behaves as if it ran alone: PostgreSQL aborts one of two concurrent
    /// transactions whose reads and writes could not be put in a serial order (SQLSTATE
    /// 40001), and the caller retries it.
    case serializable = "SERIALIZABLE"
}
