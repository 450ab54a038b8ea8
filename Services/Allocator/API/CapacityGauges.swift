public import FangyiService
import FangyiEvents
import Foundation
public import Logging
import Metrics
public import ServiceLifecycle

/// Keeps the capacity gauges in `/metrics` current (every interval, from the database, so
/// every instance reports the same city-wide figures):
///
/// - `fangyi_allocator_units{kind, unit_type, state}`: `occupied`, `free`, `out_of_service` units of active facilities;
/// - `fangyi_allocator_waitlist{kind}`: people waiting per facility kind;
/// - `fangyi_allocator_ventilators{state}`: `total` and `in_use`;
/// - `fangyi_allocator_quarantines_awaiting_release_test`.
///
/// Labels are closed sets (facility kinds, unit types, states).
/// Concurrency: `Sendable`; immutable.
public struct CapacityGauges: Service {
    let database: Database
    let policy: AllocationPolicy
    let interval: Duration
    let logger: Logger

    /// Creates the task.
    public init(database: Database, policy: AllocationPolicy, interval: Duration, logger: Logger) {
        self.database = database
        self.policy = policy
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await runPeriodically(every: interval, logger: logger, failureMessage: "capacity gauges not refreshed", failureLevel: .debug) {
            try await refresh()
        }
    }

    /// Reads the report and sets every gauge (absent pools read 0).
    public func refresh() async throws {
        let report = try await database.withConnection { connection in
            try await AllocatorStore(connection: connection, logger: logger).capacityReport(now: Date(), policy: policy)
        }
        var values: [String: (occupied: Int, free: Int, out: Int)] = [:]
        for pool in report.pools { values["\(pool.facilityKind)|\(pool.unitType)"] = (pool.occupied, pool.free, pool.outOfService) }
        for kind in FacilityKind.allCases {
            for type in UnitType.allCases {
                let value = values["\(kind.rawValue)|\(type.rawValue)"] ?? (0, 0, 0)
                for (state, number) in [("occupied", value.occupied), ("free", value.free), ("out_of_service", value.out)] {
                    Gauge(label: "fangyi_allocator_units", dimensions: [("kind", kind.rawValue), ("unit_type", type.rawValue), ("state", state)])
                        .record(number)
                }
            }
            Gauge(label: "fangyi_allocator_waitlist", dimensions: [("kind", kind.rawValue)]).record(report.waitlist[kind.rawValue] ?? 0)
        }
        Gauge(label: "fangyi_allocator_ventilators", dimensions: [("state", "total")]).record(report.totals.ventilators)
        Gauge(label: "fangyi_allocator_ventilators", dimensions: [("state", "in_use")]).record(report.totals.ventilatorsInUse)
        Gauge(label: "fangyi_allocator_quarantines_awaiting_release_test").record(report.quarantinesAwaitingReleaseTest)
    }
}
