public import FangyiService
public import Foundation

/// Everything `fangyi-notifier` reads from its environment, with documented defaults.
/// Concurrency: a value type; `Sendable`.
public struct NotifierConfiguration: Sendable {
    /// The common service settings (Kafka, database, HTTP, log level, policy file).
    public var service: ServiceConfiguration
    /// The bearer tokens the subscription API and the non-public stream accept (SHA-256 digests).
    public var operatorTokens: OperatorTokens
    /// The alert template file; nil: the bundled templates.
    public var templatesFile: String?
    /// The message gateway persons' orders are posted to; nil: none (person alerts are issued
    /// on `alerts.v1` and the stream, but no message is sent).
    public var gatewayURL: URL?
    /// The bearer token sent to the gateway.
    public var gatewayToken: String?
    /// Whether webhook URLs may be plain `http` (demo and tests on loopback).
    public var allowInsecureWebhooks: Bool
    /// Most events applied in one transaction.
    public var maxBatchSize: Int
    /// How often risk levels (day boundaries), digests and follow-up deadlines are checked.
    public var scheduleInterval: Duration
    /// How often the deliverer looks for due deliveries when not woken.
    public var deliveryPollInterval: Duration
    /// How often a quiet stream sends a heartbeat comment.
    public var streamHeartbeat: Duration
    /// The Postgres schema.
    public var schema: String

    /// The variables, for `--help` and the README.
    public static let variables: [EnvironmentVariable] = ServiceConfiguration.variables(defaultHTTPPort: 8084) + [
        .notifierOperatorTokens, .notifierTemplatesFile, .notifierGatewayURL, .notifierGatewayToken, .notifierAllowInsecureWebhooks,
        .notifierBatchSize, .notifierScheduleInterval, .notifierDeliveryPollInterval, .notifierStreamHeartbeat, .notifierSchema,
        .notifierContactKey, .kafkaPassThrough,
    ]

    /// Reads the configuration. Throws ``ConfigurationError`` naming the first bad variable.
    public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) throws(ConfigurationError) -> NotifierConfiguration {
        let configuration = NotifierConfiguration(
            service: try ServiceConfiguration.fromEnvironment(environment, defaultHTTPPort: 8084),
            operatorTokens: try OperatorTokens.fromEnvironment(environment, .notifierOperatorTokens),
            templatesFile: environment.string(.notifierTemplatesFile),
            gatewayURL: try environment.url(.notifierGatewayURL),
            gatewayToken: environment.string(.notifierGatewayToken),
            allowInsecureWebhooks: try environment.bool(.notifierAllowInsecureWebhooks, default: false),
            maxBatchSize: try environment.int(.notifierBatchSize, default: 500, range: 1...10_000),
            scheduleInterval: try environment.duration(.notifierScheduleInterval, default: .seconds(10)),
            deliveryPollInterval: try environment.duration(.notifierDeliveryPollInterval, default: .milliseconds(250)),
            streamHeartbeat: try environment.duration(.notifierStreamHeartbeat, default: .seconds(15)),
            schema: environment.string(.notifierSchema, default: "notifier"))
        // Names and phone numbers travel to the gateway: never in clear text over the network.
        if let url = configuration.gatewayURL, url.scheme?.lowercased() != "https", !configuration.allowInsecureWebhooks {
            throw ConfigurationError(code: ConfigurationError.invalidChoice, variable: EnvironmentVariable.notifierGatewayURL.name, value: nil,
                                     reason: "must be an https:// URL (NOTIFIER_ALLOW_INSECURE_WEBHOOKS=true allows http for local tests)")
        }
        return configuration
    }
}

extension EnvironmentVariable {
    /// `NOTIFIER_OPERATOR_TOKENS_SHA256`.
    public static let notifierOperatorTokens = EnvironmentVariable(
        "NOTIFIER_OPERATOR_TOKENS_SHA256", defaultDescription: "unset: the subscription API answers 401 to everyone",
        help: "Comma-separated SHA-256 digests (hex) of the bearer tokens for the subscription API and for streams of non-public alerts (`printf %s TOKEN | sha256sum`).",
        isSecret: true)
    /// `NOTIFIER_TEMPLATES_FILE`.
    public static let notifierTemplatesFile = EnvironmentVariable(
        "NOTIFIER_TEMPLATES_FILE", defaultDescription: "the bundled Services/Notifier/Templates/alerts.json",
        help: "JSON file of the alerts' Chinese and English titles and bodies, keyed kind/audience; checked at start (every key present, only known {placeholders}).")
    /// `NOTIFIER_GATEWAY_URL`.
    public static let notifierGatewayURL = EnvironmentVariable(
        "NOTIFIER_GATEWAY_URL", defaultDescription: "unset: no messages to persons are sent",
        help: "The SMS/voice provider's HTTP endpoint that quarantine and retest orders are POSTed to (JSON with the phone number, opened from the sealed contact only for this request).")
    /// `NOTIFIER_GATEWAY_TOKEN`.
    public static let notifierGatewayToken = EnvironmentVariable(
        "NOTIFIER_GATEWAY_TOKEN", defaultDescription: "unset: no Authorization header",
        help: "Bearer token sent to the message gateway.", isSecret: true)
    /// `NOTIFIER_ALLOW_INSECURE_WEBHOOKS`.
    public static let notifierAllowInsecureWebhooks = EnvironmentVariable(
        "NOTIFIER_ALLOW_INSECURE_WEBHOOKS", defaultDescription: "false",
        help: "Accept plain http:// webhook and gateway URLs (the demo and tests, on loopback). Otherwise both must use https://.")
    /// `NOTIFIER_BATCH_SIZE`.
    public static let notifierBatchSize = EnvironmentVariable(
        "NOTIFIER_BATCH_SIZE", defaultDescription: "500", help: "Most events applied in one database transaction (1-10000).")
    /// `NOTIFIER_SCHEDULE_INTERVAL`.
    public static let notifierScheduleInterval = EnvironmentVariable(
        "NOTIFIER_SCHEDULE_INTERVAL", defaultDescription: "10s",
        help: "How often raised areas are re-judged (an area falls to low at a day boundary without any event), closed digest windows are summarised and follow-up deadlines checked.")
    /// `NOTIFIER_DELIVERY_POLL_INTERVAL`.
    public static let notifierDeliveryPollInterval = EnvironmentVariable(
        "NOTIFIER_DELIVERY_POLL_INTERVAL", defaultDescription: "250ms",
        help: "How often the deliverer looks for due webhook deliveries and messages when no local batch woke it (alerts issued by another instance, retries).")
    /// `NOTIFIER_STREAM_HEARTBEAT`.
    public static let notifierStreamHeartbeat = EnvironmentVariable(
        "NOTIFIER_STREAM_HEARTBEAT", defaultDescription: "15s",
        help: "How often a quiet /v1/alerts/stream sends a heartbeat comment (keeps proxies from closing it).")
    /// `FANGYI_CONTACT_KEY`, as the notifier reads it.
    public static let notifierContactKey = EnvironmentVariable(
        "FANGYI_CONTACT_KEY", defaultDescription: "unset: person messages fail with \"contact key not configured\" and are retried",
        help: "The key ring that opens the sealed contact blobs (the one intake seals with): the notifier opens a blob only to send a person's message, never logs or publishes it.",
        isSecret: true)
    /// `NOTIFIER_SCHEMA`.
    public static let notifierSchema = EnvironmentVariable(
        "NOTIFIER_SCHEMA", defaultDescription: "notifier",
        help: "The PostgreSQL schema the notifier keeps its tables in; every instance of one deployment uses the same.")
}
