import FangyiService
import FangyiTesting
import Logging
import PostgresNIO
import Testing

@Suite("Migrator")
struct MigratorTests {
    static let migrations = [
        Migration(
            version: 1,
            name: "create_cases",
            sql: """
                CREATE TABLE cases (id bigint PRIMARY KEY, opened_at timestamptz NOT NULL);
                CREATE INDEX cases_opened_at ON cases (opened_at);
                """
        ),
        Migration(
            version: 2,
            name: "create_contacts",
            sql: """
                -- a comment; with a semicolon
                CREATE TABLE contacts (case_id bigint REFERENCES cases (id), note text DEFAULT 'a;b');
                CREATE FUNCTION contact_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM contacts; $$;
                """
        ),
    ]

    func appliedVersions(_ database: Database, schema: String? = nil) async throws -> [Int] {
        let schema = schema ?? database.schema
        return try await database.withConnection { connection in
            let rows = try await connection.query(
                "SELECT version FROM \(unescaped: "\"\(schema)\".schema_migrations") ORDER BY version",
                logger: testLogger
            )
            var versions: [Int] = []
            for try await version in rows.decode(Int.self) { versions.append(version) }
            return versions
        }
    }

    @Test func appliesPendingMigrationsOnce() async throws {
        try await withTestDatabase(logger: testLogger) { database in
            let first = try await Migrator.migrate(Self.migrations, database: database, logger: testLogger)
            #expect(first.map(\.version) == [1, 2])
            let second = try await Migrator.migrate(Self.migrations, database: database, logger: testLogger)
            #expect(second.isEmpty)
            #expect(try await self.appliedVersions(database) == [1, 2])

            // The tables landed in the schema and work.
            try await database.withTransaction { connection in
                try await connection.query("INSERT INTO cases VALUES (1, now())", logger: testLogger)
                try await connection.query("INSERT INTO contacts (case_id) VALUES (1)", logger: testLogger)
            }
            #expect(try await scalar(database, "SELECT contact_count()") == 1)
            #expect(try await scalar(database, "SELECT count(*)::int8 FROM contacts WHERE note = 'a;b'") == 1)

            // A later release adds a migration: only it is applied.
            let third = Migration(version: 3, name: "add_column", sql: "ALTER TABLE cases ADD COLUMN area text")
            let applied = try await Migrator.migrate(Self.migrations + [third], database: database, logger: testLogger)
            #expect(applied.map(\.version) == [3])
        }
    }

    @Test func appliesInVersionOrderWhateverTheListOrder() async throws {
        try await withTestDatabase(logger: testLogger) { database in
            let applied = try await Migrator.migrate(Self.migrations.reversed(), database: database, logger: testLogger)
            #expect(applied.map(\.version) == [1, 2])
        }
    }

    @Test func concurrentMigratorsApplyOnce() async throws {
        // Two pools on the same schema stand for two processes starting together.
        // The first migration sleeps briefly inside its transaction so that the
        // two runs overlap; without the advisory lock the second CREATE TABLE or
        // the second schema_migrations row would fail.
        let slow = [
            Migration(version: 1, name: "slow", sql: "SELECT pg_sleep(0.2); CREATE TABLE once (id int)"),
            Migration(version: 2, name: "rows", sql: "INSERT INTO once VALUES (1)"),
        ]
        try await withTestDatabase(logger: testLogger) { database in
            let other = try Database(configuration: database.configuration, schema: database.schema, logger: testLogger)
            try await withThrowingTaskGroup(of: Void.self) { pools in
                pools.addTask { try await other.run() }
                let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                    group.addTask { try await Migrator.migrate(slow, database: database, logger: testLogger).count }
                    group.addTask { try await Migrator.migrate(slow, database: other, logger: testLogger).count }
                    var counts: [Int] = []
                    for try await count in group { counts.append(count) }
                    return counts.sorted()
                }
                pools.cancelAll()
                #expect(counts == [0, 2])
            }
            #expect(try await self.appliedVersions(database) == [1, 2])
            #expect(try await scalar(database, "SELECT count(*)::int8 FROM once") == 1)
        }
    }

    @Test func changedChecksumIsAnErrorAndNothingMoreIsApplied() async throws {
        try await withTestDatabase(logger: testLogger) { database in
            try await Migrator.migrate([Self.migrations[0]], database: database, logger: testLogger)
            var edited = Self.migrations
            edited[0].sql += "\nCREATE TABLE sneaky (id int);"
            let error = await #expect(throws: MigrationError.self) {
                try await Migrator.migrate(edited, database: database, logger: testLogger)
            }
            #expect(error?.code == "migration.checksum_mismatch")
            #expect(error?.version == 1)
            #expect(error?.message.contains("add a new migration") == true)
            #expect(try await self.appliedVersions(database) == [1])
        }
    }

    @Test func failingMigrationRollsBackAndReleasesTheLock() async throws {
        try await withTestDatabase(logger: testLogger) { database in
            let broken = Migration(version: 2, name: "broken", sql: "CREATE TABLE half (id int); SELECT no_such_function()")
            let error = await #expect(throws: MigrationError.self) {
                try await Migrator.migrate([Self.migrations[0], broken], database: database, logger: testLogger)
            }
            #expect(error?.code == "migration.failed")
            #expect(error?.version == 2)
            #expect(error?.underlying is PSQLError)
            #expect(try await self.appliedVersions(database) == [1])
            let half = try await scalar(
                database,
                "SELECT count(*)::int8 FROM information_schema.tables WHERE table_schema = \(database.schema) AND table_name = 'half'"
            )
            #expect(half == 0)

            let key = Migrator.advisoryLockKey(schema: database.schema)
            let held = try await scalar(
                database,
                """
                SELECT count(*)::int8 FROM pg_locks
                WHERE locktype = 'advisory' AND ((classid::int8 << 32) | objid::int8) = \(key)
                """
            )
            #expect(held == 0)

            let fixed = Migration(version: 2, name: "fixed", sql: "CREATE TABLE half (id int)")
            let applied = try await Migrator.migrate([Self.migrations[0], fixed], database: database, logger: testLogger)
            #expect(applied.map(\.version) == [2])
        }
    }

    @Test func createsAMissingSchema() async throws {
        try await withTestDatabase(logger: testLogger) { database in
            let target = database.schema + "_other"
            let applied = try await Migrator.migrate(Self.migrations, schema: target, database: database, logger: testLogger)
            #expect(applied.count == 2)
            #expect(try await self.appliedVersions(database, schema: target) == [1, 2])
            let tables = try await scalar(
                database,
                "SELECT count(*)::int8 FROM information_schema.tables WHERE table_schema = \(target) AND table_name IN ('cases', 'contacts')"
            )
            #expect(tables == 2)
            try await database.withConnection { connection in
                try await connection.query("DROP SCHEMA \(unescaped: target) CASCADE", logger: testLogger)
            }
        }
    }

    @Test func invalidMigrationListsAreRejectedBeforeTouchingTheDatabase() async throws {
        // No server is needed: validation happens first.
        let configuration = DatabaseConfiguration(port: 1, username: "nobody", database: "none", tlsMode: .disable)
        let database = try Database(configuration: configuration, schema: "unused", logger: testLogger)
        let duplicate = await #expect(throws: MigrationError.self) {
            try await Migrator.migrate(
                [Migration(version: 1, name: "a", sql: ""), Migration(version: 1, name: "b", sql: "")],
                database: database,
                logger: testLogger
            )
        }
        #expect(duplicate?.code == "migration.duplicate_version")
        let invalid = await #expect(throws: MigrationError.self) {
            try await Migrator.migrate([Migration(version: 0, name: "zero", sql: "")], database: database, logger: testLogger)
        }
        #expect(invalid?.code == "migration.invalid")
    }

    @Test func checksumsAndLockKeysAreStable() {
        // FNV-1a 64 test vectors: "" and "a".
        #expect(Migration(version: 1, name: "x", sql: "").checksum == "cbf29ce484222325")
        #expect(Migration(version: 1, name: "x", sql: "a").checksum == "af63dc4c8601ec8c")
        #expect(Migrator.advisoryLockKey(schema: "tracing") == Migrator.advisoryLockKey(schema: "tracing"))
        #expect(Migrator.advisoryLockKey(schema: "tracing") != Migrator.advisoryLockKey(schema: "allocator"))
    }

    // MARK: SQLScript

    @Test func scriptSplitsOnlyAtTopLevelSemicolons() {
        let script = SQLScript(
            """
            CREATE TABLE a (t text DEFAULT 'x;y', "odd;name" int);
            -- comment; not a statement
            /* block; /* nested; */ still comment; */
            INSERT INTO a VALUES (E'it\\'s;', 1);
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$;
            SELECT $1::text, 'it''s; fine';
            ;;
            SELECT 'no trailing semicolon'
            """
        )
        #expect(
            script.statements == [
                "CREATE TABLE a (t text DEFAULT 'x;y', \"odd;name\" int)",
                "-- comment; not a statement\n/* block; /* nested; */ still comment; */\nINSERT INTO a VALUES (E'it\\'s;', 1)",
                "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$",
                "SELECT $1::text, 'it''s; fine'",
                "SELECT 'no trailing semicolon'",
            ]
        )
        #expect(SQLScript("-- only a comment\n;  \n").statements.isEmpty)
    }
}
