import ArgumentParser
import FangyiService
import Foundation
import ServiceLifecycle

/// `fangyi demo`: the whole local suite in the foreground — the development broker and every
/// built service — until Ctrl-C or SIGTERM.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the local suite: the development broker and every built Fangyi service.",
        discussion: """
            Starts the development broker exactly as `fangyi broker` does, then each service \
            executable found next to this fangyi binary (\(DemoServiceDefinition.all.map(\.executable).joined(separator: ", "))) \
            as a child process with KAFKA_BOOTSTRAP_SERVERS set to the broker, DATABASE_URL and \
            its own HTTP_PORT (\(DemoServiceDefinition.all.map { "\($0.name) \($0.httpPort)" }.joined(separator: ", "))); \
            every other variable is inherited. Their output is prefixed with the service name. \
            Ctrl-C or SIGTERM stops the services (SIGTERM, then waits for them) and then the broker.

            `make demo` starts the private PostgreSQL and builds everything first.

            \(ToolEnvironment.helpSection([.databaseURL, ToolEnvironment.logLevelVariable]))
            """
    )

    @OptionGroup var options: BrokerOptions

    @Option(help: "Where to look for the service executables (default: next to this fangyi binary).")
    var servicesDirectory: String?

    /// Development-only keys, used when the environment sets none: the demo needs no secrets,
    /// and these must never protect real data (they are in the source).
    static let developmentKeys: [String: String] = [
        "FANGYI_SUBJECT_KEY": "ZmFuZ3lpLWRlbW8tc3ViamVjdC1rZXktbm90LXNlY3JldCE=",
        "FANGYI_CONTACT_KEY": "demo:ZmFuZ3lpLWRlbW8tY29udGFjdC1rZXktbm90LXNlY3I=",
        // The SHA-256 of the operator token `demo-operator-token` (tracing's query API, the
        // allocator's operator API and the notifier's subscription API).
        "TRACING_OPERATOR_TOKENS_SHA256": "61112491d046c3f6f8ab801f170d9b2d0c734a17ceff60dee92123fb507cfc3f",
        "ALLOCATOR_OPERATOR_TOKENS_SHA256": "61112491d046c3f6f8ab801f170d9b2d0c734a17ceff60dee92123fb507cfc3f",
        "NOTIFIER_OPERATOR_TOKENS_SHA256": "61112491d046c3f6f8ab801f170d9b2d0c734a17ceff60dee92123fb507cfc3f",
        // Local webhook receivers on loopback speak plain HTTP.
        "NOTIFIER_ALLOW_INSECURE_WEBHOOKS": "true",
    ]

    func run() async throws {
        let logger = try ToolEnvironment.logger("fangyi.demo")
        let reader = EnvironmentReader()
        let databaseURL = reader.string(.databaseURL, default: ServiceConfiguration.defaultDatabaseURL)
        let database: DatabaseConfiguration
        do {
            database = try DatabaseConfiguration(url: databaseURL)
        } catch {
            throw ToolError(code: "demo.invalid_database_url", message: "DATABASE_URL: \(error.message)")
        }

        let directory = servicesDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? ToolEnvironment.executableDirectory
        var entries: [ServiceSupervisor.Entry] = []
        var missing: [String] = []
        for definition in DemoServiceDefinition.all {
            let executable = directory.appendingPathComponent(definition.executable)
            if FileManager.default.isExecutableFile(atPath: executable.path) {
                entries.append(ServiceSupervisor.Entry(definition: definition, executable: executable))
            } else {
                missing.append(definition.executable)
            }
        }

        Console.err(DevBroker.warning)
        Console.out("database: \(database.redactedURL)")
        Console.out("services found: \(entries.isEmpty ? "none" : entries.map(\.definition.executable).joined(separator: ", "))")
        if !missing.isEmpty {
            Console.out("services skipped (not built in \(directory.path)): \(missing.joined(separator: ", "))")
        }
        if entries.isEmpty {
            Console.err("no service executables yet: running the broker only")
        }

        let broker = DevBroker(
            brokers: options.brokers, bootstrapFile: BootstrapFile(path: options.bootstrapFile), logger: logger)
        var services: [any Service] = [broker]
        if !entries.isEmpty {
            services.append(ServiceSupervisor(
                entries: entries, broker: broker,
                environment: Self.serviceEnvironment(databaseURL: databaseURL)))
        }
        // Longer than a service's own 30 s shutdown budget, so a slow one is not killed early.
        try await ToolLifecycle.run(services, gracePeriod: .seconds(40), logger: logger)
        Console.err("demo stopped")
    }

    /// What every service gets besides the inherited environment: the database, and the
    /// development keys where the environment has none (with a warning).
    static func serviceEnvironment(databaseURL: String) -> [String: String] {
        var environment = [EnvironmentVariable.databaseURL.name: databaseURL]
        for (name, value) in developmentKeys where (ProcessInfo.processInfo.environment[name] ?? "").isEmpty {
            environment[name] = value
            Console.err("\(name) is not set: using the demo's development key (never for real data)")
        }
        return environment
    }
}
