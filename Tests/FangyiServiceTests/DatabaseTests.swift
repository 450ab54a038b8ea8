import FangyiService
import FangyiTesting
import Logging
import PostgresNIO
import Testing

/// A logger that keeps test output readable; raise the level to debug a failure.
let testLogger: Logger = {
    var logger = Logger(label: "fangyi.tests")
    logger.logLevel = .warning
    return logger
}()

/// Runs `sql` and returns the first column of the first row as an integer.
func scalar(_ database: Database, _ sql: PostgresQuery) async throws -> Int? {
    try await database.withConnection { connection in
        let rows = try await connection.query(sql, logger: testLogger)
        for try await value in rows.decode(Int.self) {
            return value
        }
        return nil
    }
}

@Suite("Database")
struct DatabaseTests {
    struct Boom: Error, Equatable {
        var tag = "boom"
    }

    @Test func transactionCommitsOnSuccessAndRollsBackOnThrow() async throws {
        try await withTestDatabase(logger: testLogger) { database in
            _ = try await database.withConnection { connection in
                try await connection.query("CREATE TABLE items (id int PRIMARY KEY)", logger: testLogger)
            }

            let error = await #expect(throws: Boom.self) {
                try await database.withTransaction { connection in
                    try await connection.query("INSERT INTO items VALUES (1)", logger: testLogger)
                    throw Boom(tag: "from body")
                }
            }
            // The body's own error comes out, not a wrapper.
            #expect(error == Boom(tag: "from body"))
            #expect(try await scalar(database, "SELECT count(*)::int8 FROM items") == 0)

            let returned = try await database.withTransaction { connection in
                try await connection.query("INSERT INTO items VALUES (2)", logger: testLogger)
                return "done"
            }
            #expect(returned == "done")
            #expect(try await scalar(database, "SELECT count(*)::int8 FROM items") == 1)
        }
    }

    @Test func failedStatementInsideTransactionRollsBackEverything() async throws {
        try await withTestDatabase(logger: testLogger) { database in
            _ = try await database.withConnection { connection in
                try await connection.query("CREATE TABLE items (id int PRIMARY KEY)", logger: testLogger)
            }
            await #expect(throws: PSQLError.self) {
                try await database.withTransaction { connection in
                    try await connection.query("INSERT INTO items VALUES (1)", logger: testLogger)
                    try await connection.query("INSERT INTO items VALUES (1)", logger: testLogger)
                }
            }
            #expect(try await scalar(database, "SELECT count(*)::int8 FROM items") == 0)
            // Every pooled connection is usable afterwards: none was left inside the aborted transaction.
            for id in 10..<20 {
                try await database.withTransaction { connection in
                    try await connection.query("INSERT INTO items VALUES (\(id))", logger: testLogger)
                }
            }
            #expect(try await scalar(database, "SELECT count(*)::int8 FROM items") == 10)
        }
    }

    @Test func connectionsUseTheDatabaseSchema() async throws {
        try await withTestDatabase(logger: testLogger) { database in
            let schema = database.schema
            let searchPath = try await database.withConnection { connection in
                let rows = try await connection.query("SHOW search_path", logger: testLogger)
                var value = ""
                for try await path in rows.decode(String.self) { value = path }
                return value
            }
            #expect(searchPath == schema)

            try await database.withTransaction { connection in
                try await connection.query("CREATE TABLE unqualified (id int)", logger: testLogger)
            }
            let found = try await scalar(
                database,
                "SELECT count(*)::int8 FROM information_schema.tables WHERE table_schema = \(schema) AND table_name = 'unqualified'"
            )
            #expect(found == 1)
        }
    }

    @Test func withTestDatabaseDropsItsSchema() async throws {
        let schema = try await withTestDatabase(logger: testLogger) { database in
            _ = try await database.withConnection { connection in
                try await connection.query("CREATE TABLE leftover (id int)", logger: testLogger)
            }
            return database.schema
        }
        try await withTestDatabase(logger: testLogger) { database in
            let remaining = try await scalar(database, "SELECT count(*)::int8 FROM pg_namespace WHERE nspname = \(schema)")
            #expect(remaining == 0)
        }
    }

    @Test func testDatabaseCleanupDropsSchema() async throws {
        let test = try await TestDatabase.start(logger: testLogger)
        let schema = test.schema
        #expect(try await scalar(test.database, "SELECT count(*)::int8 FROM pg_namespace WHERE nspname = \(schema)") == 1)
        try await test.cleanup()
        try await withTestDatabase(logger: testLogger) { database in
            let remaining = try await scalar(database, "SELECT count(*)::int8 FROM pg_namespace WHERE nspname = \(schema)")
            #expect(remaining == 0)
        }
    }

    @Test func pingSucceedsAgainstTheServer() async throws {
        try await withTestDatabase(logger: testLogger) { database in
            try await database.ping()
            #expect(try await database.readinessCheck().check())
        }
    }

    @Test func pingTimesOutWhenNoServerListens() async throws {
        // Port 1 on loopback refuses connections; the pool keeps retrying, so
        // only the deadline ends the wait.
        let configuration = DatabaseConfiguration(port: 1, username: "nobody", database: "none", tlsMode: .disable)
        let database = try Database(configuration: configuration, schema: "unreachable", logger: testLogger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await database.run() }
            let error = await #expect(throws: DatabaseError.self) {
                try await database.ping(timeout: .milliseconds(300))
            }
            #expect(error?.code == "database.timeout")
            group.cancelAll()
        }
    }

    @Test func runningTwiceIsAnError() async throws {
        let configuration = DatabaseConfiguration(port: 1, username: "nobody", database: "none", tlsMode: .disable)
        let database = try Database(configuration: configuration, schema: "twice", logger: testLogger)
        let firstError = await withTaskGroup(of: (any Error)?.self) { group in
            group.addTask {
                do { try await database.run() } catch { return error }
                return nil
            }
            group.addTask {
                do { try await database.run() } catch { return error }
                return nil
            }
            // Exactly one run() fails immediately; the other runs until cancelled.
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        #expect((firstError as? DatabaseError)?.code == "database.already_running")
    }

    @Test(arguments: ["Bad", "has-dash", "1starts_with_digit", "pg_reserved", "", String(repeating: "a", count: 64), "quote\"d"])
    func invalidSchemaNamesAreRejected(schema: String) {
        let error = #expect(throws: DatabaseError.self) { try Database.validate(schema: schema) }
        #expect(error?.code == "database.invalid_schema")
    }

    @Test(arguments: ["tracing", "allocator", "t_0123abcd", "_x", String(repeating: "a", count: 63)])
    func validSchemaNamesAreAccepted(schema: String) throws {
        try Database.validate(schema: schema)
    }
}
