public import FangyiService
public import Foundation
public import Logging
import PostgresNIO
public import ServiceLifecycle

/// Keeps the check-in store to the policy's retention: creates the partitions of the
/// retention window and tomorrow ahead of traffic, drops days past retention (a `DROP TABLE` per day,
/// not a delete), and removes exposure sources that ended before the retention window.
/// Runs once at start, then every interval. Safe with several instances: each step is
/// idempotent and tolerates another instance doing it at the same time.
public struct RetentionMaintenance: Service {
    let database: Database
    let partitions: CheckInPartitions
    let policy: TracingPolicy
    let interval: Duration
    let logger: Logger

    /// Creates the task.
    public init(database: Database, partitions: CheckInPartitions, policy: TracingPolicy, interval: Duration, logger: Logger) {
        self.database = database
        self.partitions = partitions
        self.policy = policy
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await runPeriodically(every: interval, logger: logger, failureMessage: "retention maintenance failed; retrying next interval") {
            try await runOnce(now: Date())
        }
    }

    /// One pass: create the partition of every day from the first kept day through
    /// tomorrow (so late uploads and tomorrow's scans never need DDL inside a batch),
    /// drop expired days; returns the days dropped.
    @discardableResult
    public func runOnce(now: Date) async throws -> Int {
        let today = CheckInPartitions.day(of: now)
        let firstKept = today - policy.retentionDays
        try await partitions.ensure(Set(firstKept...(today + 1)), logger: logger)
        let dropped = try await partitions.dropBefore(day: firstKept, logger: logger)
        let cutoff = Date(timeIntervalSince1970: Double(firstKept) * 86_400)
        try await database.withConnection { connection in
            try await connection.query("DELETE FROM exposure_sources WHERE ends_at < \(cutoff)", logger: logger)
        }
        if dropped > 0 {
            logger.info("dropped check-in days past retention", metadata: ["fangyi.days": "\(dropped)", "fangyi.retention_days": "\(policy.retentionDays)"])
        }
        return dropped
    }
}
