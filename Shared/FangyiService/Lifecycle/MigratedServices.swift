public import Logging
public import ServiceLifecycle
import Synchronization

extension ServiceRunner {
    /// Runs `database`, applies `migrations` once it is up, runs `prepare` (work
    /// that must be done before the first event, such as creating partitions), and
    /// only then starts `services` (in order; graceful shutdown stops them in reverse,
    /// the database last). A failed migration or preparation stops everything with its error.
    public static func runMigrated(
        database: Database,
        migrations: [Migration],
        services: [any Service],
        maximumGracefulShutdownDuration: Duration? = .seconds(30),
        logger: Logger,
        prepare: @escaping @Sendable () async throws -> Void = {},
        onStarted: @escaping @Sendable () -> Void = {}
    ) async throws {
        let gate = StartGate()
        let migrate = MigrationStep(database: database, migrations: migrations, gate: gate, logger: logger, prepare: prepare,
                                    onStarted: onStarted)
        let gated: [any Service] = services.map { AfterGate(gate: gate, inner: $0) }
        let runner = ServiceRunner(
            services: [database, migrate] + gated,
            maximumGracefulShutdownDuration: maximumGracefulShutdownDuration, logger: logger)
        try await runner.run()
    }
}

/// Opens once; tasks waiting on it resume then (or when cancelled).
final class StartGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [UInt64: CheckedContinuation<Void, Never>], next: UInt64)>((false, [:], 0))

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns when the gate opens; throws `CancellationError` if cancelled first.
    func wait() async throws {
        let id = state.withLock { state -> UInt64 in
            state.next += 1
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.open || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
        try Task.checkCancellation()
    }
}

/// Applies migrations, opens the gate, then stays until shutdown.
struct MigrationStep: Service {
    let database: Database
    let migrations: [Migration]
    let gate: StartGate
    let logger: Logger
    let prepare: @Sendable () async throws -> Void
    let onStarted: @Sendable () -> Void

    func run() async throws {
        try await Migrator.migrate(migrations, database: database, logger: logger)
        try await prepare()
        gate.open()
        onStarted()
        try? await gracefulShutdown()
    }
}

/// Starts `inner` once the gate is open.
struct AfterGate: Service, CustomStringConvertible {
    let gate: StartGate
    let inner: any Service

    func run() async throws {
        try await gate.wait()
        try await inner.run()
    }

    var description: String { "\(inner)" }
}
