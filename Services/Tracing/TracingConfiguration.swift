public import FangyiService
import Foundation

/// Everything `fangyi-tracing` reads from its environment, with documented defaults.
/// Concurrency: a value type; `Sendable`.
public struct TracingConfiguration: Sendable {
    /// The common service settings (Kafka, database, HTTP, log level, policy file).
    public var service: ServiceConfiguration
    /// The bearer tokens the query API accepts (as SHA-256 digests).
    public var operatorTokens: OperatorTokens
    /// Most events applied in one transaction.
    public var maxBatchSize: Int
    /// How often expired check-in days are dropped and upcoming days' partitions created.
    public var maintenanceInterval: Duration
    /// The Postgres schema (one per city or tenant sharing a database).
    public var schema: String

    /// The variables, for `--help` and the README.
    public static let variables: [EnvironmentVariable] = ServiceConfiguration.variables(defaultHTTPPort: 8082) + [
        .operatorTokens, .tracingBatchSize, .tracingMaintenanceInterval, .tracingSchema, .kafkaPassThrough,
    ]

    /// Reads the configuration. Throws ``ConfigurationError`` naming the first bad variable.
    public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) throws(ConfigurationError) -> TracingConfiguration {
        return TracingConfiguration(
            service: try ServiceConfiguration.fromEnvironment(environment, defaultHTTPPort: 8082),
            operatorTokens: try OperatorTokens.fromEnvironment(environment, .operatorTokens),
            maxBatchSize: try environment.int(.tracingBatchSize, default: 2000, range: 1...50_000),
            maintenanceInterval: try environment.duration(.tracingMaintenanceInterval, default: .seconds(3600)),
            schema: environment.string(.tracingSchema, default: "tracing"))
    }
}

extension EnvironmentVariable {
    /// `TRACING_OPERATOR_TOKENS_SHA256`.
    public static let operatorTokens = EnvironmentVariable(
        "TRACING_OPERATOR_TOKENS_SHA256", defaultDescription: "unset: the query API answers 401 to everyone",
        help: "Comma-separated SHA-256 digests (hex) of the bearer tokens operators use for the query API (`printf %s TOKEN | sha256sum`).",
        isSecret: true)
    /// `TRACING_BATCH_SIZE`.
    public static let tracingBatchSize = EnvironmentVariable(
        "TRACING_BATCH_SIZE", defaultDescription: "2000",
        help: "Most events applied in one database transaction (1-50000); larger batches raise throughput in a mass-testing round.")
    /// `TRACING_MAINTENANCE_INTERVAL`.
    public static let tracingMaintenanceInterval = EnvironmentVariable(
        "TRACING_MAINTENANCE_INTERVAL", defaultDescription: "1h",
        help: "How often check-in days past retention are dropped and the next days' partitions created.")
    /// `TRACING_SCHEMA`.
    public static let tracingSchema = EnvironmentVariable(
        "TRACING_SCHEMA", defaultDescription: "tracing",
        help: "The PostgreSQL schema the worker keeps its tables in (created by its migrations); every instance of one deployment uses the same.")
}
