extension EnvironmentVariable {
    /// `FANGYI_SUBJECT_KEY`: read by intake (and by the simulator, which must name the same persons).
    public static let subjectKey = EnvironmentVariable(
        "FANGYI_SUBJECT_KEY", defaultDescription: "required",
        help: "Base64 of the 32–64 byte HMAC key that turns national IDs into subject refs. The same key in every intake instance.",
        isSecret: true)

    /// `KAFKA_BOOTSTRAP_SERVERS`: the brokers to connect to.
    public static let kafkaBootstrapServers = EnvironmentVariable(
        "KAFKA_BOOTSTRAP_SERVERS",
        defaultDescription: "contents of .fangyi/bootstrap if present (written by `fangyi broker`), else localhost:9092",
        help: "Comma-separated host:port list of Kafka brokers."
    )

    /// `KAFKA_<PROPERTY>`: any librdkafka property, passed through by
    /// `KafkaConfiguration.fromEnvironment`. Secret, as SASL passwords travel this way.
    public static let kafkaPassThrough = EnvironmentVariable(
        "KAFKA_<PROPERTY>",
        defaultDescription: "unset: librdkafka's defaults (PLAINTEXT, no authentication)",
        help: """
            Any librdkafka property, upper-cased with dots as underscores, e.g. \
            KAFKA_SECURITY_PROTOCOL=sasl_ssl, KAFKA_SASL_MECHANISMS=SCRAM-SHA-512, KAFKA_SASL_USERNAME, \
            KAFKA_SASL_PASSWORD, KAFKA_SSL_CA_LOCATION=/etc/ssl/certs/kafka-ca.pem. Overrides Fangyi's own settings.
            """,
        isSecret: true
    )

    /// `KAFKA_CLIENT_ID`: the `client.id` shown in broker logs and quotas.
    public static let kafkaClientID = EnvironmentVariable(
        "KAFKA_CLIENT_ID",
        defaultDescription: "fangyi",
        help: "Kafka client.id, shown in broker logs and used for quotas."
    )

    /// `KAFKA_STATISTICS_INTERVAL_MS`: how often librdkafka statistics (lag, queue sizes) are sampled.
    public static let kafkaStatisticsInterval = EnvironmentVariable(
        "KAFKA_STATISTICS_INTERVAL_MS",
        defaultDescription: "5000 in services; off in the fangyi CLI",
        help: "Interval in milliseconds of librdkafka statistics, exported as fangyi_kafka_* metrics; 0 turns them off."
    )

    /// `DATABASE_URL`: the PostgreSQL server. Secret, as it may hold a password.
    public static let databaseURL = EnvironmentVariable(
        "DATABASE_URL",
        defaultDescription: "postgres://fangyi@127.0.0.1:55432/fangyi?sslmode=disable (the Makefile's private cluster)",
        help: """
            PostgreSQL URL postgres://user:password@host:port/database?sslmode=disable|prefer|require|verify-full \
            (optional application_name, connect_timeout). Each service uses its own schema in this database.
            """,
        isSecret: true
    )

    /// `DATABASE_MAX_CONNECTIONS`: the pool size.
    public static let databaseMaxConnections = EnvironmentVariable(
        "DATABASE_MAX_CONNECTIONS",
        defaultDescription: "10",
        help: "Upper bound on PostgreSQL connections this process opens (1-1000)."
    )

    /// `HTTP_HOST`: the address the HTTP server binds.
    public static let httpHost = EnvironmentVariable(
        "HTTP_HOST",
        defaultDescription: "127.0.0.1",
        help: "Address the HTTP server listens on; use 0.0.0.0 in containers."
    )

    /// `HTTP_PORT`: the HTTP server's port.
    public static let httpPort = EnvironmentVariable(
        "HTTP_PORT",
        defaultDescription: "8080 unless the service documents another",
        help: "TCP port of the HTTP server (health, metrics and API); 0 picks a free port."
    )

    /// `LOG_LEVEL`: the minimum level logged.
    public static let logLevel = EnvironmentVariable(
        "LOG_LEVEL",
        defaultDescription: "info",
        help: "One of trace, debug, info, notice, warning, error, critical."
    )

    /// `FANGYI_POLICY_FILE`: policy overrides.
    public static let policyFile = EnvironmentVariable(
        "FANGYI_POLICY_FILE",
        defaultDescription: "unset: built-in policy defaults",
        help: "Path of a policy file overriding the built-in policy values (DOMAIN.md)."
    )
}
