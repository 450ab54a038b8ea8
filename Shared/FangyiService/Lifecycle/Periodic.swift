public import Logging
import ServiceLifecycle

/// Runs `body` now and then every `interval` until the task is cancelled or graceful
/// shutdown begins; a failing run is logged at `failureLevel` and retried at the next
/// interval. For housekeeping services (retention, schedules, gauges): their work is
/// idempotent, so a missed run is caught up by the next one.
public func runPeriodically(
    every interval: Duration, logger: Logger, failureMessage: Logger.Message, failureLevel: Logger.Level = .warning,
    _ body: () async throws -> Void
) async {
    while !Task.isCancelled && !Task.isShuttingDownGracefully {
        do {
            try await body()
        } catch {
            logger.log(level: failureLevel, failureMessage, metadata: ["error": "\(String(reflecting: error))"])
        }
        // The interval between runs is the intended delay, not a wait for a condition.
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
    }
}
