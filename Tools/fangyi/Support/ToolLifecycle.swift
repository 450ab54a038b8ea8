import Logging
import ServiceLifecycle

/// Runs a command's long-lived parts until SIGINT or SIGTERM, or until one of them has
/// finished its work (`fangyi tail --count`), then shuts all of them down gracefully in
/// reverse order.
///
/// Unlike a service's `ServiceRunner`, a part that returns is not a failure here: it ends the
/// command, as the operator asked.
///
/// Concurrency: ``run(_:gracePeriod:logger:)`` is called once, from the command's task.
enum ToolLifecycle {
    /// Runs `services` (in start order) until a shutdown signal or the first one returns.
    ///
    /// - Parameters:
    ///   - gracePeriod: How long graceful shutdown may take before the parts are cancelled.
    /// - Throws: The first error a part threw.
    static func run(_ services: [any Service], gracePeriod: Duration, logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(
            services: services.map {
                // A part that fails also shuts the others down gracefully (the demo's services
                // get SIGTERM, not SIGKILL), within the grace period.
                ServiceGroupConfiguration.ServiceConfiguration(
                    service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = gracePeriod
        try await ServiceGroup(configuration: configuration).run()
    }
}
