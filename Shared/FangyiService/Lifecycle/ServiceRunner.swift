import Foundation
public import Logging
public import ServiceLifecycle

/// Runs a service's components in one `ServiceGroup` until SIGTERM or SIGINT,
/// then shuts them down gracefully in reverse order.
///
/// Order matters: list dependencies first (the ``Database`` before the
/// consumers and the HTTP application that use it), because the group shuts
/// services down from last to first. If any component returns or throws, the
/// whole group is shut down and ``run()`` rethrows.
///
/// Concurrency: ``run()`` is called once, from the process's main task.
public struct ServiceRunner: Sendable {
    /// The components, in start order.
    public var services: [any Service]
    /// After a graceful shutdown has run this long it escalates to
    /// cancellation. Default 30 s, the usual Kubernetes termination grace period.
    public var maximumGracefulShutdownDuration: Duration?
    /// The logger for start, stop and failure messages.
    public var logger: Logger

    /// Creates a runner; see the properties for defaults.
    public init(
        services: [any Service],
        maximumGracefulShutdownDuration: Duration? = .seconds(30),
        logger: Logger
    ) {
        self.services = services
        self.maximumGracefulShutdownDuration = maximumGracefulShutdownDuration
        self.logger = logger
    }

    /// Runs every service until a shutdown signal or the first one to finish,
    /// and returns after all have stopped.
    ///
    /// - Throws: The first error a service threw.
    public func run() async throws {
        var configuration = ServiceGroupConfiguration(
            services: self.services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: self.logger
        )
        configuration.maximumGracefulShutdownDuration = self.maximumGracefulShutdownDuration
        let group = ServiceGroup(configuration: configuration)

        // Type names only: some components' descriptions are long (a migration step's holds its SQL).
        self.logger.info("starting", metadata: ["services": "\(self.services.map { "\(type(of: $0))" })"])
        do {
            try await group.run()
        } catch {
            self.logger.error("stopped with error", metadata: ["error": "\(String(reflecting: error))"])
            throw error
        }
        self.logger.info("stopped")
    }
}

/// Runs a service executable's `body` and exits: 0 when it returns, 1 with one line on standard
/// error (`name: error`) when it throws — a port already in use or a broker that refused the
/// configuration ends the process with a message, not a crash report. The error was logged
/// with its details before (``ServiceRunner/run()``).
public func runServiceMain(_ name: String, _ body: () async throws -> Void) async -> Never {
    do {
        try await body()
    } catch {
        FileHandle.standardError.write(Data("\(name): stopped: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
