extension EnvironmentVariable {
    /// `KAFKA_BOOTSTRAP_SERVERS`: the brokers to connect to.
    public static let kafkaBootstrapServers = EnvironmentVariable(
        "KAFKA_BOOTSTRAP_SERVERS",
        defaultDescription: "contents of .fangyi/bootstrap if present (written by `fangyi broker`), else localhost:9092",
        help: "Comma-separated host:port list of Kafka brokers."
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
