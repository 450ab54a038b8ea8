public import FangyiService
import FangyiEvents
public import Foundation
public import Logging
public import ServiceLifecycle

/// The allocator's clock-driven work, every interval on every instance (each step is safe to
/// run at once on several: rows are locked, and a step that finds its work done does nothing):
///
/// - activated standby sites whose ready time has come open, and serve the waitlist;
/// - quarantines that reached their end with a negative release test are released (never
///   without one), and the freed rooms serve the waitlist;
/// - the waitlist is offered the free units once more (a unit freed by one instance while
///   another was putting someone on the waitlist is not left empty past one interval);
/// - closing facilities that have emptied go back to standby.
///
/// Concurrency: `Sendable`; immutable.
public struct AllocatorSchedule: Service {
    let database: Database
    let relay: OutboxRelay?
    let policy: AllocationPolicy
    let interval: Duration
    let metrics: AllocatorMetrics
    let logger: Logger
    /// Persons released per transaction.
    static let batchSize = 500

    /// Creates the task.
    public init(database: Database, relay: OutboxRelay?, policy: AllocationPolicy, interval: Duration,
                metrics: AllocatorMetrics, logger: Logger) {
        self.database = database
        self.relay = relay
        self.policy = policy
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        await runPeriodically(every: interval, logger: logger, failureMessage: "allocator schedule failed; retrying next interval") {
            try await runOnce(now: Date())
        }
    }

    /// One pass at `now`; returns how many quarantines it released.
    @discardableResult
    public func runOnce(now: Date) async throws -> Int {
        try await AllocationRun.perform(on: database, relay: relay, policy: policy, metrics: metrics, logger: logger,
                                        now: now, cause: "open") { run in
            let opened = try await run.store.openReadyFacilities(now: now)
            for facility in opened {
                logger.info("standby facility opened", metadata: ["fangyi.facility_id": "\(facility.id)"])
                for type in try await run.store.unitCounts(facilityId: facility.id).keys { run.touch(PoolKey(facilityId: facility.id, unitType: type)) }
            }
            if !opened.isEmpty { try await run.serve([], kinds: Set(opened.map(\.kind))) }
        }
        var released = 0
        // One transaction per page of due persons, paged by subject ref.
        var after = ""
        while true {
            let cursor = after
            let due = try await AllocationRun.perform(on: database, relay: relay, policy: policy, metrics: metrics, logger: logger,
                                                      now: now, cause: "quarantine-end") { run -> [String] in
                let due = try await run.store.releasableQuarantines(now: now, window: policy.releaseTestWindow, after: cursor,
                                                                    limit: Self.batchSize)
                if !due.isEmpty { try await run.reconcile(subjects: due) { "quarantine-end:\($0):\(now.timeIntervalSince1970)" } }
                return due
            }
            released += due.count
            guard due.count == Self.batchSize, let last = due.last else { break }
            after = last
        }
        try await AllocationRun.perform(on: database, relay: relay, policy: policy, metrics: metrics, logger: logger,
                                        now: now, cause: "sweep") { run in
            let waiting = try await run.store.waitlistLengths().filter { $0.value > 0 }
            if !waiting.isEmpty { try await run.serve([], kinds: Set(waiting.keys)) }
        }
        try await database.withTransaction(logger: logger) { connection in
            let ids = try await AllocatorStore(connection: connection, logger: logger).standDownEmptyClosing()
            for id in ids { logger.info("closing facility emptied; now on standby", metadata: ["fangyi.facility_id": "\(id)"]) }
        }
        return released
    }
}
