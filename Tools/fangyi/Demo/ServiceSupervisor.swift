import FangyiService
import Foundation
import ServiceLifecycle

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

    /// A supervisor for `entries`, each started once `broker` is up, with `environment` plus
    /// `KAFKA_BOOTSTRAP_SERVERS` (the broker) and its own `HTTP_PORT`.
    init(entries: [Entry], broker: DevBroker, environment: [String: String]) {
        self.entries = entries
        self.broker = broker
        self.environment = environment
    }

    /// Waits for the broker, starts every child, waits for graceful shutdown, then stops them.
    func run() async throws {
        let servers: String
        do {
            servers = try await broker.bootstrapServers()
        } catch {
            return  // The broker did not start; its own error ends the demo.
        }
        guard !Task.isShuttingDownGracefully else { return }
        let width = entries.map(\.definition.name.count).max() ?? 0
        var children: [ChildProcess] = []
        for entry in entries {
            let name = entry.definition.name
            var environment = self.environment
            environment[EnvironmentVariable.kafkaBootstrapServers.name] = servers
            environment[EnvironmentVariable.httpPort.name] = String(entry.definition.httpPort)
            do {
                let child = try await ChildProcess.start(
                    name: name, executable: entry.executable, environment: environment,
                    prefix: name.padding(toLength: width, withPad: " ", startingAt: 0) + " | ")
                Console.err("started \(entry.definition.executable) (pid \(child.processIdentifier)), http://127.0.0.1:\(entry.definition.httpPort)")
                children.append(child)
            } catch {
                Console.err("could not start \(entry.executable.path): \(error.localizedDescription)")
            }
        }

        let started = children
        await withTaskGroup(of: Void.self) { group in
            for child in started {
                group.addTask {
                    let status = await child.waitForExit()
                    Console.err("\(child.name) exited with status \(status)")
                }
            }
            do {
                try await gracefulShutdown()
            } catch {
                // Cancelled: fall through to stopping the children, which the handler below kills.
            }
            let running = started.filter { $0.exitStatus == nil }
            if !running.isEmpty {
                Console.err("stopping \(running.map(\.name).joined(separator: ", ")) (SIGTERM)")
            }
            started.forEach { $0.terminate() }
            await withTaskCancellationHandler {
                await group.waitForAll()
            } onCancel: {
                started.forEach { $0.kill() }
            }
        }
    }

    /// `ServiceSupervisor(intake, ...)`, for the service group's log lines.
    var description: String { "ServiceSupervisor(\(entries.map(\.definition.name).joined(separator: ", ")))" }
}
