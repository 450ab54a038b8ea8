public import FangyiService
import Foundation

/// Everything `fangyi-intake` reads from its environment, with documented defaults.
/// Concurrency: a value type; `Sendable`.
public struct IntakeConfiguration: Sendable {
    /// The common service settings (Kafka, HTTP, log level, policy file).
    public var service: ServiceConfiguration
    /// Path of the labs registry (``LabRegistry``).
    public var labsFile: String
    /// How often the labs registry file is checked for changes.
    public var labsReloadInterval: Duration
    /// The largest request body accepted; larger ones get 413 before parsing.
    public var maxBodyBytes: Int
    /// The largest single item accepted, counted as the bytes of its text fields.
    public var maxItemBytes: Int
    /// Requests per second per lab, unless the registry sets the lab's own.
    public var requestsPerSecond: Double
    /// How many requests above the rate a lab may send in a burst.
    public var burst: Double
    /// How long intake waits for the broker to acknowledge results before answering 503.
    public var publishTimeout: Duration
    /// How long a large body may take to arrive, and how long a silent connection stays open.
    public var requestTimeout: Duration
    /// Whether to consume `lab.submissions.v1` (labs producing to Kafka directly).
    public var consumeSubmissions: Bool

    /// The variables, for `--help` and the README.
    public static let variables: [EnvironmentVariable] = ServiceConfiguration.variables(defaultHTTPPort: 8081)
        .filter { $0 != .databaseURL && $0 != .databaseMaxConnections } + [
        .subjectKey, .contactKey, .labsFile, .labsReloadInterval, .maxBodyBytes, .maxItemBytes,
        .requestsPerSecond, .burst, .publishTimeout, .requestTimeout, .consumeSubmissions,
        .kafkaPassThrough,
    ]

    /// Reads the configuration. Throws ``ConfigurationError`` naming the first bad variable.
    public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) throws(ConfigurationError) -> IntakeConfiguration {
        IntakeConfiguration(
            service: try ServiceConfiguration.fromEnvironment(environment, defaultHTTPPort: 8081),
            labsFile: environment.string(.labsFile, default: "deploy/intake/labs.dev.json"),
            labsReloadInterval: try environment.duration(.labsReloadInterval, default: .seconds(10)),
            maxBodyBytes: try environment.int(.maxBodyBytes, default: 32 << 20, range: 1024...(1 << 30)),
            maxItemBytes: try environment.int(.maxItemBytes, default: 64 << 10, range: 256...(64 << 20)),
            requestsPerSecond: Double(try environment.int(.requestsPerSecond, default: 100, range: 1...1_000_000)),
            burst: Double(try environment.int(.burst, default: 200, range: 1...1_000_000)),
            publishTimeout: try environment.duration(.publishTimeout, default: .seconds(10)),
            requestTimeout: try environment.duration(.requestTimeout, default: .seconds(60)),
            consumeSubmissions: try environment.bool(.consumeSubmissions, default: true)
        )
    }
}

extension EnvironmentVariable {
    /// `FANGYI_CONTACT_KEY`.
    public static let contactKey = EnvironmentVariable(
        "FANGYI_CONTACT_KEY", defaultDescription: "required",
        help: "Key ring for sealing names and phones: `keyid:base64key[,keyid:base64key...]`, the first seals.",
        isSecret: true)
    /// `INTAKE_LABS_FILE`.
    public static let labsFile = EnvironmentVariable(
        "INTAKE_LABS_FILE", defaultDescription: "deploy/intake/labs.dev.json",
        help: "The labs registry (JSON: labs with ids, default area codes and SHA-256 hashes of bearer tokens). Reloaded when it changes.")
    /// `INTAKE_LABS_RELOAD_INTERVAL`.
    public static let labsReloadInterval = EnvironmentVariable(
        "INTAKE_LABS_RELOAD_INTERVAL", defaultDescription: "10s",
        help: "How often the labs registry file is checked for changes.")
    /// `INTAKE_MAX_BODY_BYTES`.
    public static let maxBodyBytes = EnvironmentVariable(
        "INTAKE_MAX_BODY_BYTES", defaultDescription: "33554432 (32 MiB)",
        help: "The largest request body; larger ones are answered 413 before parsing.")
    /// `INTAKE_MAX_ITEM_BYTES`.
    public static let maxItemBytes = EnvironmentVariable(
        "INTAKE_MAX_ITEM_BYTES", defaultDescription: "65536 (64 KiB)",
        help: "The largest single result, counted as the bytes of its text (names, addresses, ids, pool members); a larger one is rejected on its own (item.too_large).")
    /// `INTAKE_RATE_LIMIT`.
    public static let requestsPerSecond = EnvironmentVariable(
        "INTAKE_RATE_LIMIT", defaultDescription: "100",
        help: "Requests per second per lab (the registry may set a lab's own); above it, 429 with Retry-After.")
    /// `INTAKE_RATE_BURST`.
    public static let burst = EnvironmentVariable(
        "INTAKE_RATE_BURST", defaultDescription: "200",
        help: "Requests a lab may send at once above its rate.")
    /// `INTAKE_PUBLISH_TIMEOUT`.
    public static let publishTimeout = EnvironmentVariable(
        "INTAKE_PUBLISH_TIMEOUT", defaultDescription: "10s",
        help: "How long the broker has to acknowledge results before the request is answered 503 (librdkafka message.timeout.ms).")
    /// `INTAKE_REQUEST_TIMEOUT`.
    public static let requestTimeout = EnvironmentVariable(
        "INTAKE_REQUEST_TIMEOUT", defaultDescription: "60s",
        help: "How long a large or chunked body may take to arrive (then 408), and how long a silent connection stays open. Publishing is bounded by INTAKE_PUBLISH_TIMEOUT.")
    /// `INTAKE_CONSUME_SUBMISSIONS`.
    public static let consumeSubmissions = EnvironmentVariable(
        "INTAKE_CONSUME_SUBMISSIONS", defaultDescription: "true",
        help: "Whether to read lab.submissions.v1 (labs that produce to Kafka directly).")
}
