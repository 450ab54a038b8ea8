import FangyiService
import Foundation
import ServiceLifecycle
import Synchronization

/// Runs the demo's service executables as child processes for as long as the demo runs.
///
/// On graceful shutdown it sends every child SIGTERM and waits until all have exited; if the
/// demo's grace period runs out first (the task is cancelled) the rest get SIGKILL. A child that
/// exits on its own is reported and the others keep running.
///
/// Concurrency: `Sendable`; ``run()`` is called once, by the service group.
final class ServiceSupervisor: Service, Sendable, CustomStringConvertible {
    /// A service to run and where its executable is.
    struct Entry: Sendable {
        /// What to run.
        var definition: DemoServiceDefinition
        /// The executable file.
        var executable: URL
    }

    private let entries: [Entry]
    private let broker: DevBroker
    private let environment: [String: String]
    /// Where each service's output goes (`<name>.log`); nil forwards it to the terminal.
    private let logDirectory: URL?

    /// A supervisor for `entries`, each started once `broker` is up, with `environment` plus
    /// `KAFKA_BOOTSTRAP_SERVERS` (the broker) and its own `HTTP_PORT`.
    init(entries: [Entry], broker: DevBroker, environment: [String: String], logDirectory: URL? = nil) {
        self.logDirectory = logDirectory
        self.entries = entries
        self.broker = broker
        self.environment = environment
    }

    /// The running children by service name, and the brokers they were given.
    private let children = Mutex<(servers: String, byName: [String: ChildProcess])>(("", [:]))

    /// Waits for the broker, starts every child, waits for graceful shutdown, then stops them.
    func run() async throws {
        let servers: String
        do {
            servers = try await broker.bootstrapServers()
        } catch {
            return  // The broker did not start; its own error ends the demo.
        }
        guard !Task.isShuttingDownGracefully else { return }
        children.withLock { $0.servers = servers }
        for entry in entries { await start(entry) }
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled: fall through to stopping the children, which the handler below kills.
        }
        let running = children.withLock { Array($0.byName.values) }.sorted { $0.name < $1.name }
        if running.contains(where: { $0.exitStatus == nil }) {
            Console.err("stopping \(running.filter { $0.exitStatus == nil }.map(\.name).joined(separator: ", ")) (SIGTERM)")
        }
        running.forEach { $0.terminate() }
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                for child in running {
                    group.addTask { Console.err("\(child.name) exited with status \(await child.waitForExit())") }
                }
            }
        } onCancel: {
            running.forEach { $0.kill() }
        }
    }

    /// Starts `entry`'s executable and records it as the running child of its name.
    private func start(_ entry: Entry, restart: Bool = false) async {
        let width = entries.map(\.definition.name.count).max() ?? 0
        let name = entry.definition.name
        var environment = self.environment
        environment[EnvironmentVariable.kafkaBootstrapServers.name] = children.withLock { $0.servers }
        environment[EnvironmentVariable.httpPort.name] = String(entry.definition.httpPort)
        do {
            let child = try await ChildProcess.start(
                name: name, executable: entry.executable, environment: environment,
                prefix: name.padding(toLength: width, withPad: " ", startingAt: 0) + " | ",
                logFile: logDirectory?.appendingPathComponent("\(name).log"), appendLog: restart)
            if logDirectory == nil {
                Console.err("started \(entry.definition.executable) (pid \(child.processIdentifier)), http://127.0.0.1:\(entry.definition.httpPort)")
            }
            children.withLock { $0.byName[name] = child }
        } catch {
            Console.err("could not start \(entry.executable.path): \(error.localizedDescription)")
        }
    }

    /// The services whose current process has exited, with its status (a crash, or a port
    /// already taken by something else).
    func exited() -> [(name: String, status: Int32)] {
        children.withLock { $0.byName.values.compactMap { child in child.exitStatus.map { (child.name, $0) } } }.sorted { $0.name < $1.name }
    }

    /// SIGKILLs the service named `name` (no graceful shutdown: a crash) and starts it again.
    func killAndRestart(_ name: String) async {
        guard let entry = entries.first(where: { $0.definition.name == name }),
              let child = children.withLock({ $0.byName[name] }) else { return }
        child.kill()
        _ = await child.waitForExit()
        await start(entry, restart: true)
    }

    /// `ServiceSupervisor(intake, ...)`, for the service group's log lines.
    var description: String { "ServiceSupervisor(\(entries.map(\.definition.name).joined(separator: ", ")))" }
}
