import FangyiService
import Foundation
import Testing

@Suite("Environment and configuration")
struct EnvironmentTests {
    static let port = EnvironmentVariable("TEST_PORT", defaultDescription: "8080", help: "A port.")
    static let flag = EnvironmentVariable("TEST_FLAG", defaultDescription: "false", help: "A flag.")
    static let timeout = EnvironmentVariable("TEST_TIMEOUT", defaultDescription: "5s", help: "A timeout.")
    static let endpoint = EnvironmentVariable("TEST_ENDPOINT", defaultDescription: "unset", help: "A URL.")
    static let secret = EnvironmentVariable("TEST_SECRET_COUNT", defaultDescription: "1", help: "A secret.", isSecret: true)

    @Test func integersAreTrimmedAndDefaulted() throws {
        let reader = EnvironmentReader(["TEST_PORT": "  9090\n"])
        #expect(try reader.int(Self.port, default: 1) == 9090)
        #expect(try EnvironmentReader([:]).int(Self.port, default: 1) == 1)
        // An empty value counts as unset, as `FOO=` in a compose file means.
        #expect(try EnvironmentReader(["TEST_PORT": ""]).int(Self.port, default: 7) == 7)
        #expect(try EnvironmentReader(["TEST_PORT": "   "]).int(Self.port) == nil)
    }

    @Test func invalidIntegerNamesVariableValueAndExpectation() {
        let error = #expect(throws: ConfigurationError.self) {
            try EnvironmentReader(["TEST_PORT": "80a"]).int(Self.port, default: 1)
        }
        #expect(error?.code == "config.invalid_integer")
        #expect(error?.variable == "TEST_PORT")
        #expect(error?.value == "80a")
        #expect(error?.description.contains("TEST_PORT=\"80a\"") == true)
        #expect(error?.description.contains("whole number") == true)
    }

    @Test func integerOutOfRange() {
        let error = #expect(throws: ConfigurationError.self) {
            try EnvironmentReader(["TEST_PORT": "70000"]).int(Self.port, default: 1, range: 0...65535)
        }
        #expect(error?.code == "config.out_of_range")
        #expect(error?.message.contains("between 0 and 65535") == true)
    }

    @Test func secretValuesNeverAppearInErrors() {
        let error = #expect(throws: ConfigurationError.self) {
            try EnvironmentReader(["TEST_SECRET_COUNT": "hunter2"]).int(Self.secret)
        }
        #expect(error?.value == nil)
        #expect(error?.description.contains("hunter2") == false)
        #expect(error?.description.contains("TEST_SECRET_COUNT") == true)
    }

    @Test(arguments: [
        ("true", true), ("TRUE", true), ("1", true), ("yes", true), ("On", true),
        ("false", false), ("0", false), ("no", false), ("OFF", false),
    ])
    func booleans(text: String, expected: Bool) throws {
        #expect(try EnvironmentReader(["TEST_FLAG": text]).bool(Self.flag, default: !expected) == expected)
    }

    @Test func invalidBoolean() {
        let error = #expect(throws: ConfigurationError.self) {
            try EnvironmentReader(["TEST_FLAG": "maybe"]).bool(Self.flag, default: false)
        }
        #expect(error?.code == "config.invalid_boolean")
        #expect(error?.message.contains("true/false") == true)
    }

    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)),
        ("5s", .seconds(5)),
        ("2m", .seconds(120)),
        ("1h", .seconds(3600)),
        ("30", .seconds(30)),
        ("1.5s", .milliseconds(1500)),
        ("0.25", .milliseconds(250)),
        (".5s", .milliseconds(500)),
        ("5 s", .seconds(5)),
        ("10MS", .milliseconds(10)),
        ("0", .zero),
        ("007s", .seconds(7)),
        ("1.0000000001s", .seconds(1)),
    ])
    func durations(text: String, expected: Duration) throws {
        #expect(try EnvironmentReader(["TEST_TIMEOUT": text]).duration(Self.timeout) == expected)
    }

    @Test(arguments: ["-1s", "5x", "s", "1e3", "5.", "1..5s", "5s5", "ms", "99999999999999h", "876000h", "1,5s"])
    func invalidDurations(text: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try EnvironmentReader(["TEST_TIMEOUT": text]).duration(Self.timeout, default: .seconds(1))
        }
        #expect(error?.code == "config.invalid_duration")
        #expect(error?.value == text)
        #expect(error?.message.contains("500ms") == true)
    }

    @Test func urls() throws {
        let url = try EnvironmentReader(["TEST_ENDPOINT": "https://hooks.example:8443/x"]).url(Self.endpoint)
        #expect(url?.host == "hooks.example")
        #expect(url?.port == 8443)
        let error = #expect(throws: ConfigurationError.self) {
            try EnvironmentReader(["TEST_ENDPOINT": "no scheme here"]).url(Self.endpoint)
        }
        #expect(error?.code == "config.invalid_url")
    }

    @Test func requiredStringReportsMissing() {
        let error = #expect(throws: ConfigurationError.self) {
            try EnvironmentReader([:]).requiredString(Self.endpoint)
        }
        #expect(error?.code == "config.missing")
        #expect(error?.variable == "TEST_ENDPOINT")
    }

    // MARK: ServiceConfiguration

    @Test func serviceConfigurationDefaults() throws {
        let configuration = try ServiceConfiguration.fromEnvironment(
            EnvironmentReader([:]),
            defaultHTTPPort: 8181,
            bootstrapFile: "/nonexistent/fangyi/bootstrap"
        )
        #expect(configuration.kafkaBootstrapServers == "localhost:9092")
        #expect(configuration.database.host == "127.0.0.1")
        #expect(configuration.database.port == 55432)
        #expect(configuration.database.username == "fangyi")
        #expect(configuration.database.tlsMode == .disable)
        #expect(configuration.httpHost == "127.0.0.1")
        #expect(configuration.httpPort == 8181)
        #expect(configuration.logLevel == .info)
        #expect(configuration.policyFile == nil)
    }

    @Test func kafkaDefaultComesFromBootstrapFileUnlessSet() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fangyi-env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bootstrap").path
        try "127.0.0.1:39092\n".write(toFile: file, atomically: true, encoding: .utf8)

        let fromFile = try ServiceConfiguration.fromEnvironment(EnvironmentReader([:]), bootstrapFile: file)
        #expect(fromFile.kafkaBootstrapServers == "127.0.0.1:39092")

        let fromEnvironment = try ServiceConfiguration.fromEnvironment(
            EnvironmentReader(["KAFKA_BOOTSTRAP_SERVERS": "broker-1:9092,broker-2:9092"]),
            bootstrapFile: file
        )
        #expect(fromEnvironment.kafkaBootstrapServers == "broker-1:9092,broker-2:9092")
    }

    @Test func serviceConfigurationReadsEverything() throws {
        let configuration = try ServiceConfiguration.fromEnvironment(
            EnvironmentReader([
                "DATABASE_URL": "postgresql://svc:s3cr%40t@db.internal:6543/fangyi_prod?sslmode=require",
                "DATABASE_MAX_CONNECTIONS": "25",
                "HTTP_HOST": "0.0.0.0",
                "HTTP_PORT": "0",
                "LOG_LEVEL": "DEBUG",
                "FANGYI_POLICY_FILE": "/etc/fangyi/policy.json",
            ]),
            bootstrapFile: "/nonexistent"
        )
        #expect(configuration.database.host == "db.internal")
        #expect(configuration.database.port == 6543)
        #expect(configuration.database.password == "s3cr@t")
        #expect(configuration.database.database == "fangyi_prod")
        #expect(configuration.database.tlsMode == .require)
        #expect(configuration.database.maximumConnections == 25)
        #expect(configuration.httpHost == "0.0.0.0")
        #expect(configuration.httpPort == 0)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.policyFile == "/etc/fangyi/policy.json")
    }

    @Test func badDatabaseURLDoesNotLeakPassword() {
        let error = #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.fromEnvironment(
                EnvironmentReader(["DATABASE_URL": "postgres://svc:topsecret@db:notaport/x"]),
                bootstrapFile: "/nonexistent"
            )
        }
        #expect(error?.variable == "DATABASE_URL")
        #expect(error?.description.contains("topsecret") == false)
        #expect(error?.description.contains("notaport") == true)
    }

    @Test func badLogLevel() {
        let error = #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.fromEnvironment(EnvironmentReader(["LOG_LEVEL": "verbose"]), bootstrapFile: "/nonexistent")
        }
        #expect(error?.code == "config.invalid_choice")
        #expect(error?.description == "config.invalid_choice: LOG_LEVEL=\"verbose\": expected one of trace, debug, info, notice, warning, error, critical")
    }

    @Test func helpListsEveryVariable() {
        let variables = ServiceConfiguration.variables(defaultHTTPPort: 8282)
        let help = variables.helpText()
        for name in ["KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "HTTP_HOST", "HTTP_PORT", "LOG_LEVEL", "FANGYI_POLICY_FILE"] {
            #expect(help.contains(name))
        }
        #expect(help.contains("(default: 8282)"))
        let table = variables.markdownTable()
        #expect(table.hasPrefix("| variable | default | meaning |"))
        #expect(table.split(separator: "\n").count == variables.count + 2)
    }

    // MARK: Database URLs

    @Test func databaseURLParsing() throws {
        let minimal = try DatabaseConfiguration(url: "postgres://alice@localhost")
        #expect(minimal.host == "localhost")
        #expect(minimal.port == 5432)
        #expect(minimal.password == nil)
        #expect(minimal.database == "alice")
        #expect(minimal.tlsMode == .prefer)

        let ipv6 = try DatabaseConfiguration(url: "postgres://bob:pw@[::1]:5433/db?sslmode=verify-full&application_name=intake&connect_timeout=3")
        #expect(ipv6.host == "::1")
        #expect(ipv6.port == 5433)
        #expect(ipv6.tlsMode == .verifyFull)
        #expect(ipv6.applicationName == "intake")
        #expect(ipv6.connectTimeout == .seconds(3))
        #expect(ipv6.redactedURL == "postgres://bob:***@[::1]:5433/db?sslmode=verify-full")
        #expect("\(ipv6)".contains("pw") == false)
        #expect(String(reflecting: ipv6).contains("pw") == false)
    }

    @Test(arguments: [
        ("mysql://a@b/c", "must start with postgres://"),
        ("postgres://host/db", "missing user name"),
        ("postgres://a@/db", "host is empty"),
        ("postgres://a@h:0/db", "port \"0\""),
        ("postgres://a@h/db?sslmode=allow", "sslmode \"allow\" is not supported"),
        ("postgres://a@h/db?timeout=3", "unknown query parameter \"timeout\""),
        ("postgres://a@[::1/db", "closing ]"),
    ])
    func invalidDatabaseURLs(url: String, reason: String) {
        let error = #expect(throws: DatabaseError.self) { try DatabaseConfiguration(url: url) }
        #expect(error?.code == "database.invalid_url")
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }
}
