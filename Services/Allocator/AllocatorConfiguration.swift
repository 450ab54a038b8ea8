public import FangyiService
import Foundation

/// Everything `fangyi-allocator` reads from its environment, with documented defaults.
/// Concurrency: a value type; `Sendable`.
public struct AllocatorConfiguration: Sendable {
    /// The common service settings (Kafka, database, HTTP, log level, policy file).
    public var service: ServiceConfiguration
    /// The bearer tokens the operator API accepts (as SHA-256 digests).
    public var operatorTokens: OperatorTokens
    /// The seed file (areas and facilities) loaded at start; nil: none.
    public var seedFile: String?
    /// The development seed, used when `ALLOCATOR_SEED_FILE` is unset and the file exists
    /// (running from a checkout, as `make demo` does).
    public static let developmentSeed = "deploy/allocator/seed.dev.json"
    /// Most events applied in one transaction.
    public var maxBatchSize: Int
    /// How often quarantine ends and standby openings are checked.
    public var scheduleInterval: Duration
    /// How often the capacity gauges are refreshed.
    public var gaugeInterval: Duration
    /// The Postgres schema.
    public var schema: String

    /// The variables, for `--help` and the README.
    public static let variables: [EnvironmentVariable] = ServiceConfiguration.variables(defaultHTTPPort: 8083) + [
        .allocatorOperatorTokens, .allocatorSeedFile, .allocatorBatchSize, .allocatorScheduleInterval,
        .allocatorGaugeInterval, .allocatorSchema, .kafkaPassThrough,
    ]

    /// Reads the configuration. Throws ``ConfigurationError`` naming the first bad variable.
    public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) throws(ConfigurationError) -> AllocatorConfiguration {
        AllocatorConfiguration(
            service: try ServiceConfiguration.fromEnvironment(environment, defaultHTTPPort: 8083),
            operatorTokens: try OperatorTokens.fromEnvironment(environment, .allocatorOperatorTokens),
            seedFile: environment.string(.allocatorSeedFile)
                ?? (FileManager.default.fileExists(atPath: developmentSeed) ? developmentSeed : nil),
            maxBatchSize: try environment.int(.allocatorBatchSize, default: 500, range: 1...10_000),
            scheduleInterval: try environment.duration(.allocatorScheduleInterval, default: .seconds(60)),
            gaugeInterval: try environment.duration(.allocatorGaugeInterval, default: .seconds(15)),
            schema: environment.string(.allocatorSchema, default: "allocator"))
    }
}

extension EnvironmentVariable {
    /// `ALLOCATOR_OPERATOR_TOKENS_SHA256`.
    public static let allocatorOperatorTokens = EnvironmentVariable(
        "ALLOCATOR_OPERATOR_TOKENS_SHA256", defaultDescription: "unset: the operator API answers 401 to everyone",
        help: "Comma-separated SHA-256 digests (hex) of the bearer tokens operators use for the inventory and capacity API (`printf %s TOKEN | sha256sum`).",
        isSecret: true)
    /// `ALLOCATOR_SEED_FILE`.
    public static let allocatorSeedFile = EnvironmentVariable(
        "ALLOCATOR_SEED_FILE", defaultDescription: "deploy/allocator/seed.dev.json when that file exists (a checkout), else none",
        help: "JSON file of areas (with their adjacency) and facilities loaded at start. Facilities already in the database are left as operators changed them; new ones are added.")
    /// `ALLOCATOR_BATCH_SIZE`.
    public static let allocatorBatchSize = EnvironmentVariable(
        "ALLOCATOR_BATCH_SIZE", defaultDescription: "500",
        help: "Most events decided in one database transaction (1-10000). Smaller batches shorten the time from event to assignment; larger ones raise throughput.")
    /// `ALLOCATOR_SCHEDULE_INTERVAL`.
    public static let allocatorScheduleInterval = EnvironmentVariable(
        "ALLOCATOR_SCHEDULE_INTERVAL", defaultDescription: "60s",
        help: "How often quarantine end times (with their release tests) and activated standby sites are checked.")
    /// `ALLOCATOR_GAUGE_INTERVAL`.
    public static let allocatorGaugeInterval = EnvironmentVariable(
        "ALLOCATOR_GAUGE_INTERVAL", defaultDescription: "15s",
        help: "How often the capacity gauges in /metrics are refreshed from the database.")
    /// `ALLOCATOR_SCHEMA`.
    public static let allocatorSchema = EnvironmentVariable(
        "ALLOCATOR_SCHEMA", defaultDescription: "allocator",
        help: "The PostgreSQL schema the allocator keeps its tables in (created by its migrations); every instance of one deployment uses the same.")
}
