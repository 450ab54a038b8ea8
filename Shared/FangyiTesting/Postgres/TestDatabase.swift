public import FangyiService
import Foundation
public import Logging
import PostgresNIO

/// A PostgreSQL schema of its own for one test.
///
/// Connects to `DATABASE_URL` (the Makefile sets it; when unset the Makefile's
/// private cluster at `postgres://fangyi@127.0.0.1:55432/fangyi` is tried),
/// creates a fresh schema `t_<16 hex digits>`, and hands out a ``Database``
/// bound to it. ``cleanup()`` drops the schema with everything in it and
/// closes the pool. Prefer ``withTestDatabase(logger:_:)``, which always
/// cleans up.
///
/// Concurrency: `Sendable`. Each test makes its own; many may run in parallel.
public final class TestDatabase: Sendable {
    /// The variable naming the server tests use.
    public static let urlVariable = "DATABASE_URL"

    /// The URL tried when `DATABASE_URL` is unset: the `make pg-start` cluster.
    public static let fallbackURL = "postgres://fangyi@127.0.0.1:55432/fangyi?sslmode=disable"

    /// How long the first statement may take before the server counts as unreachable.
    public static let connectDeadline: Duration = .seconds(10)

    /// The database bound to ``schema``.
    public let database: Database

    /// The schema created for this test.
    public var schema: String { self.database.schema }

    private let runner: Task<Void, any Error>
    private let logger: Logger

    private init(database: Database, runner: Task<Void, any Error>, logger: Logger) {
        self.database = database
        self.runner = runner
        self.logger = logger
    }

    /// Creates the schema and starts the pool (in an unstructured task that
    /// ``cleanup()`` ends). Call ``cleanup()`` exactly once when done.
    ///
    /// - Throws: `TestDatabaseError` when no server answers or the URL is bad.
    public static func start(logger: Logger = Logger(label: "fangyi.test.database")) async throws -> TestDatabase {
        let database = try self.makeDatabase(logger: logger)
        let runner = Task { try await database.run() }
        do {
            try await self.createSchema(database, logger: logger)
        } catch {
            runner.cancel()
            _ = await runner.result
            throw error
        }
        return TestDatabase(database: database, runner: runner, logger: logger)
    }

    /// Drops the schema (`CASCADE`) and stops the pool.
    public func cleanup() async throws {
        defer { self.runner.cancel() }
        try await Self.dropSchema(self.database, logger: self.logger)
        self.runner.cancel()
        _ = await self.runner.result
    }

    // MARK: - Shared steps

    /// A `Database` on the configured server, bound to a new random schema name.
    static func makeDatabase(logger: Logger) throws -> Database {
        let environment = ProcessInfo.processInfo.environment[Self.urlVariable]?.trimmingCharacters(in: .whitespacesAndNewlines)
        let url = (environment?.isEmpty == false ? environment : nil) ?? Self.fallbackURL
        var configuration: DatabaseConfiguration
        do {
            configuration = try DatabaseConfiguration(url: url)
        } catch {
            throw TestDatabaseError(
                code: "test_database.invalid_url",
                message: "\(Self.urlVariable) is not a usable PostgreSQL URL: \(error.message)"
            )
        }
        configuration.maximumConnections = 4
        configuration.applicationName = "fangyi-tests"
        configuration.connectTimeout = .seconds(5)
        let schema = "t_" + String(format: "%016llx", UInt64.random(in: .min ... .max))
        return try Database(configuration: configuration, schema: schema, logger: logger)
    }

    /// Creates `database.schema`, failing with a clear message if no server answers.
    static func createSchema(_ database: Database, logger: Logger) async throws {
        let schema = database.schema
        do {
            try await withDeadline(Self.connectDeadline) {
                try await Self.probe(database.configuration, logger: logger)
                try await database.withConnection { connection in
                    _ = try await connection.query("CREATE SCHEMA \(unescaped: schema)", logger: logger)
                }
            }
        } catch {
            let source =
                ProcessInfo.processInfo.environment[Self.urlVariable] == nil
                ? "\(Self.urlVariable) is unset and the default \(database.configuration.redactedURL)"
                : "\(Self.urlVariable) (\(database.configuration.redactedURL))"
            throw TestDatabaseError(
                code: "test_database.unreachable",
                message: """
                    cannot create a test schema: \(source) did not work: \(String(reflecting: error)). \
                    Start the private cluster with `make pg-start`, or set \(Self.urlVariable) to a server \
                    where this role may create schemas.
                    """
            )
        }
    }

    /// Opens and closes one plain connection outside the pool, so that a server
    /// that is down or refuses the role is reported at once with its real
    /// cause (the pool would retry quietly until the deadline). Skipped for TLS
    /// URLs, which tests do not use.
    static func probe(_ configuration: DatabaseConfiguration, logger: Logger) async throws {
        guard configuration.tlsMode == .disable else { return }
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: configuration.host,
                port: configuration.port,
                username: configuration.username,
                password: configuration.password,
                database: configuration.database,
                tls: .disable
            ),
            id: 0,
            logger: logger
        )
        try await connection.close()
    }

    /// Drops `database.schema` and everything in it.
    static func dropSchema(_ database: Database, logger: Logger) async throws {
        let schema = database.schema
        try await withDeadline(Self.connectDeadline) {
            try await database.withConnection { connection in
                _ = try await connection.query("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE", logger: logger)
            }
        }
    }
}

/// Runs `body` with a ``Database`` bound to a fresh schema, then drops the
/// schema and stops the pool, whether `body` returned or threw.
///
/// Structured: the pool runs in a child task of this call.
///
/// - Throws: `body`'s error, else a cleanup error, or `TestDatabaseError` when
///   no server answers.
public func withTestDatabase<Result>(
    logger: Logger = Logger(label: "fangyi.test.database"),
    _ body: (Database) async throws -> Result
) async throws -> Result {
    let database = try TestDatabase.makeDatabase(logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await database.run() }
        defer { group.cancelAll() }
        try await TestDatabase.createSchema(database, logger: logger)
        let result: Result
        do {
            result = try await body(database)
        } catch {
            do {
                try await TestDatabase.dropSchema(database, logger: logger)
            } catch let cleanupError {
                logger.warning("could not drop test schema", metadata: ["error": "\(String(reflecting: cleanupError))"])
            }
            throw error
        }
        try await TestDatabase.dropSchema(database, logger: logger)
        return result
    }
}
