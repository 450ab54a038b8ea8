import Foundation
public import Logging

/// The settings every Fangyi service shares, read from the environment in one place.
///
/// A service builds its own configuration struct around this one, adding its
/// variables, and lists ``variables(defaultHTTPPort:)`` plus its own in `--help`.
///
/// Concurrency: a value type; `Sendable`.
public struct ServiceConfiguration: Sendable {
    /// The default `DATABASE_URL`: the private cluster `make pg-start` runs.
    public static let defaultDatabaseURL = "postgres://fangyi@127.0.0.1:55432/fangyi?sslmode=disable"

    /// Where `fangyi broker` records the address of the local mock cluster.
    public static let defaultBootstrapFile = ".fangyi/bootstrap"

    /// Comma-separated Kafka brokers. See ``EnvironmentVariable/kafkaBootstrapServers``.
    public var kafkaBootstrapServers: String
    /// The PostgreSQL server. See ``EnvironmentVariable/databaseURL``.
    public var database: DatabaseConfiguration
    /// HTTP bind address. Default `127.0.0.1`.
    public var httpHost: String
    /// HTTP port. Default: the service's own, 8080 unless it says otherwise.
    public var httpPort: Int
    /// Minimum log level. Default `.info`.
    public var logLevel: Logger.Level
    /// Policy file path, or `nil` for the built-in policy.
    public var policyFile: String?

    /// Creates a configuration from parts.
    public init(
        kafkaBootstrapServers: String,
        database: DatabaseConfiguration,
        httpHost: String,
        httpPort: Int,
        logLevel: Logger.Level,
        policyFile: String?
    ) {
        self.kafkaBootstrapServers = kafkaBootstrapServers
        self.database = database
        self.httpHost = httpHost
        self.httpPort = httpPort
        self.logLevel = logLevel
        self.policyFile = policyFile
    }

    /// The common variables, for `--help` and the README, with the HTTP port
    /// default of the calling service.
    public static func variables(defaultHTTPPort: Int = 8080) -> [EnvironmentVariable] {
        var httpPort = EnvironmentVariable.httpPort
        httpPort.defaultDescription = String(defaultHTTPPort)
        return [
            .kafkaBootstrapServers, .databaseURL, .databaseMaxConnections,
            .httpHost, httpPort, .logLevel, .policyFile,
        ]
    }

    /// Reads the common variables.
    ///
    /// - Parameters:
    ///   - environment: Where to read; default the process environment.
    ///   - defaultHTTPPort: The service's port when `HTTP_PORT` is unset.
    ///   - bootstrapFile: File whose contents are the Kafka default when
    ///     `KAFKA_BOOTSTRAP_SERVERS` is unset; relative to the working directory.
    /// - Throws: `ConfigurationError` naming the first bad variable.
    public static func fromEnvironment(
        _ environment: EnvironmentReader = EnvironmentReader(),
        defaultHTTPPort: Int = 8080,
        bootstrapFile: String = ServiceConfiguration.defaultBootstrapFile
    ) throws(ConfigurationError) -> ServiceConfiguration {
        let kafka = try Self.kafkaBootstrapServers(environment, bootstrapFile: bootstrapFile)

        let databaseURL = environment.string(.databaseURL) ?? Self.defaultDatabaseURL
        var database: DatabaseConfiguration
        do {
            database = try DatabaseConfiguration(url: databaseURL)
        } catch {
            throw ConfigurationError(
                code: ConfigurationError.invalidURL,
                variable: EnvironmentVariable.databaseURL.name,
                value: nil,
                reason: error.message
            )
        }
        database.maximumConnections = try environment.int(
            .databaseMaxConnections,
            default: database.maximumConnections,
            range: 1...1000
        )

        let logLevel = try environment.value(
            .logLevel,
            code: ConfigurationError.invalidChoice,
            expected: "one of trace, debug, info, notice, warning, error, critical",
            parse: { Logger.Level(rawValue: $0.lowercased()) }
        )

        return ServiceConfiguration(
            kafkaBootstrapServers: kafka ?? "localhost:9092",
            database: database,
            httpHost: environment.string(.httpHost, default: "127.0.0.1"),
            httpPort: try environment.int(.httpPort, default: defaultHTTPPort, range: 0...65535),
            logLevel: logLevel ?? .info,
            policyFile: environment.string(.policyFile)
        )
    }

    /// The brokers named by `KAFKA_BOOTSTRAP_SERVERS`, else the contents of `bootstrapFile`
    /// (written by `fangyi broker`), else `nil` (callers then use `localhost:9092`).
    ///
    /// Services get this through ``fromEnvironment(_:defaultHTTPPort:bootstrapFile:)``; the
    /// operator CLI, which needs no database, calls it directly.
    ///
    /// - Throws: `config.unreadable_file` when the file exists but cannot be read.
    public static func kafkaBootstrapServers(
        _ environment: EnvironmentReader = EnvironmentReader(),
        bootstrapFile: String = ServiceConfiguration.defaultBootstrapFile
    ) throws(ConfigurationError) -> String? {
        if let servers = environment.string(.kafkaBootstrapServers) {
            return servers
        }
        return try Self.bootstrapFromFile(bootstrapFile)
    }

    /// The trimmed contents of `path`, `nil` if the file is absent or blank.
    private static func bootstrapFromFile(_ path: String) throws(ConfigurationError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let contents: String
        do {
            contents = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                code: ConfigurationError.unreadableFile,
                variable: EnvironmentVariable.kafkaBootstrapServers.name,
                value: nil,
                reason: "KAFKA_BOOTSTRAP_SERVERS is unset and \(path) exists but cannot be read: \(error.localizedDescription)"
            )
        }
        let trimmed = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
