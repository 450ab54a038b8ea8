import ArgumentParser
import FangyiService
import FangyiSimulation
import Foundation
import ServiceLifecycle

/// `fangyi demo`: the whole local suite in the foreground — the development broker, every
/// built service and the simulated city's outbreak under a live console — until the scenario
/// ends (then the report is written) or Ctrl-C or SIGTERM.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the local suite: the development broker, every built Fangyi service and a simulated outbreak.",
        discussion: """
            Starts the development broker exactly as `fangyi broker` does, then each service \
            executable found next to this fangyi binary (\(DemoServiceDefinition.all.map(\.executable).joined(separator: ", "))) \
            as a child process with KAFKA_BOOTSTRAP_SERVERS set to the broker, DATABASE_URL and \
            its own HTTP_PORT (\(DemoServiceDefinition.all.map { "\($0.name) \($0.httpPort)" }.joined(separator: ", "))); \
            every other variable is inherited.

            Unless --services-only is given, the allocator gets the simulated city's inventory \
            (ALLOCATOR_SEED_FILE=.fangyi/demo/facilities.json), the services' output goes to \
            .fangyi/demo/logs/<service>.log, and once every service is ready the scenario is played \
            as `fangyi simulate` plays it, under a live console (results, cases, contacts, beds and \
            rooms, waitlist, alerts, consumer lag). At its end the demo waits for the services to \
            catch up, writes .fangyi/report/index.html (epidemic curve, contacts per case, \
            occupancy, time from a positive result to contacts known, unit assigned and person \
            notified, transmission chains) and reconciliation.json, and stops; Ctrl-C ends the \
            simulation after the current day and writes the report as things stand. With --services-only the services run \
            until Ctrl-C, their output prefixed with the service name.

            Ctrl-C or SIGTERM stops the services (SIGTERM, then waits for them) and then the broker.

            `make demo` starts the private PostgreSQL and builds everything first.

            \(ToolEnvironment.helpSection([.databaseURL, ToolEnvironment.logLevelVariable]))
            """
    )

    @OptionGroup var options: BrokerOptions

    @Option(help: "Where to look for the service executables (default: next to this fangyi binary).")
    var servicesDirectory: String?

    @OptionGroup var simulation: SimulationOptions

    @Flag(help: "Run the broker and the services only, with no simulation, console or report.")
    var servicesOnly = false

    @Option(help: "Where the demo keeps its files: demo/ (inventory, logs) and report/.")
    var stateDirectory = ".fangyi"

    @Option(help: "The first service's HTTP port; the others follow (intake, tracing, allocator, notifier).")
    var basePort = 8081

    @Option(help: "SIGKILL a service after a simulated day and start it again, as SERVICE@DAY (e.g. tracing@3): a crash mid-scenario.")
    var kill: String?

    /// `--kill` parsed.
    var chaos: (service: String, day: Int)? {
        guard let kill, let at = kill.firstIndex(of: "@"), let day = Int(kill[kill.index(after: at)...]) else { return nil }
        return (String(kill[..<at]), day)
    }

    func validate() throws {
        if !(1...65_000).contains(basePort) { throw ValidationError("--base-port must be 1-65000") }
        if kill != nil {
            guard let chaos, DemoServiceDefinition.all.contains(where: { $0.name == chaos.service }), chaos.day >= 1 else {
                throw ValidationError("--kill wants SERVICE@DAY with SERVICE one of \(DemoServiceDefinition.all.map(\.name).joined(separator: ", ")) and DAY from 1")
            }
        }
    }

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
        for definition in DemoServiceDefinition.all(basePort: basePort) {
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
        var environment = Self.serviceEnvironment(databaseURL: databaseURL)
        let state = URL(fileURLWithPath: stateDirectory, isDirectory: true)
        let logs = state.appendingPathComponent("demo/logs", isDirectory: true)
        let simulate = !servicesOnly && entries.count == DemoServiceDefinition.all.count
        if !servicesOnly && !simulate {
            Console.err("not every service is built: running the services only, with no simulation")
        }
        if simulate {
            let settings = simulation.settings
            let seed = state.appendingPathComponent("demo/facilities.json")
            do {
                try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
                try Data(FacilitySeed.json(for: SimulatedCity(settings: settings), standbyLeadHours: 0).utf8).write(to: seed)
            } catch {
                throw ToolError(code: "demo.state_unwritable", message: "cannot write the demo's files: \(error.localizedDescription)",
                                context: ["directory": state.path])
            }
            environment["ALLOCATOR_SEED_FILE"] = seed.path
            Console.out("scenario: \(settings.scenario.rawValue), seed \(settings.seed), \(settings.population.formatted(.number)) residents, "
                        + "\(settings.days) days at \(simulation.daySeconds) s a day")
        }
        let supervisor = entries.isEmpty ? nil
            : ServiceSupervisor(entries: entries, broker: broker, environment: environment, logDirectory: simulate ? logs : nil)
        if let supervisor { services.append(supervisor) }
        if simulate {
            services.append(DemoScenario(
                settings: simulation.settings, dayDuration: simulation.dayDuration, broker: broker,
                services: entries.map(\.definition), reportDirectory: state.appendingPathComponent("report", isDirectory: true),
                logDirectory: logs, logger: logger, chaos: chaos, supervisor: supervisor))
        }
        // Longer than a service's own 30 s shutdown budget, so a slow one is not killed early.
        try await ToolLifecycle.run(services, gracePeriod: .seconds(40), logger: logger)
        Console.err("demo stopped")
    }

    /// What every service gets besides the inherited environment: the database, and the
    /// development keys where the environment has none (with a warning).
    static func serviceEnvironment(databaseURL: String) -> [String: String] {
        var environment = [EnvironmentVariable.databaseURL.name: databaseURL]
        for name in developmentKeys.keys {
            guard let key = key(name), key.isDevelopment else { continue }
            environment[name] = key.value
            Console.err("\(name) is not set: using the demo's development key (never for real data)")
        }
        return environment
    }

    /// `name` from the environment, or its development value when unset or empty; nil when
    /// neither exists.
    static func key(_ name: String) -> (value: String, isDevelopment: Bool)? {
        if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty { return (value, false) }
        return developmentKeys[name].map { ($0, true) }
    }
}
