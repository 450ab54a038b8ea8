public import FangyiService
import FangyiEvents
public import Foundation
import Logging
public import ServiceLifecycle

/// The notifier's clock-driven work, every interval on every instance (each step locks what
/// it takes, so instances never do one piece twice):
///
/// - raised areas are judged again, so an area falls to low at the day boundary after its
///   window empties although no event arrives;
/// - closed digest windows are summarised in one alert each;
/// - close contacts past their follow-up deadline (plus a grace period for placements still on
///   their way) without a placement raise `followUpOverdue`;
/// - once an hour, finished deliveries and digest windows older than 7 days and alerts older
///   than 30 days that nothing waits for are dropped.
///
/// Concurrency: `Sendable`; immutable.
public struct NotifierSchedule: Service, CustomStringConvertible {
    let database: Database
    let relay: OutboxRelay?
    let settings: NotifierSettings
    let interval: Duration
    let onIssued: @Sendable () -> Void

    /// Creates the task; `onIssued` is called after a pass issued alerts (wakes the deliverer).
    public init(database: Database, relay: OutboxRelay?, settings: NotifierSettings, interval: Duration,
                onIssued: @escaping @Sendable () -> Void = {}) {
        self.database = database
        self.relay = relay
        self.settings = settings
        self.interval = interval
        self.onIssued = onIssued
    }

    public var description: String { "NotifierSchedule(every \(interval))" }

    public func run() async throws {
        var lastPrune = ContinuousClock.now
        await runPeriodically(every: interval, logger: settings.logger, failureMessage: "notifier schedule failed; retrying next interval") {
            try await runOnce(now: Date())
            if ContinuousClock.now - lastPrune >= .seconds(3600) {
                try await prune(now: Date())
                lastPrune = .now
            }
        }
    }

    /// One pass at wall-clock `now`; returns how many alerts it issued.
    @discardableResult
    public func runOnce(now: Date) async throws -> Int {
        let issued = try await database.withOutboxTransaction(relay: relay, logger: settings.logger) { transaction in
            let store = NotifierStore(connection: transaction.connection, logger: settings.logger)
            let issuer = AlertIssuer(store: store, transaction: transaction, settings: settings, now: now)
            var count = try await issuer.issue(try await issuer.assessRisk(try await store.raisedAreas(), at: now), cause: nil)
            count += try await issuer.flushDigests()
            // A placement may still be on its way (consumer lag): report only after the grace period.
            let overdue = try await store.takeOverdueFollowUps(now: now.addingTimeInterval(-settings.policy.followUpGrace.seconds),
                                                               limit: 1000)
            count += try await issuer.issue(overdue.flatMap {
                AlertRules.overdue(contactId: $0.contactId, subjectRef: $0.subjectRef, area: $0.area, deadline: $0.deadline)
            }, cause: nil)
            return count
        }
        if issued > 0 { onIssued() }
        return issued
    }

    func prune(now: Date) async throws {
        try await database.withTransaction(logger: settings.logger) { connection in
            try await NotifierStore(connection: connection, logger: settings.logger)
                .prune(before: now.addingTimeInterval(-7 * 86_400), alertsBefore: now.addingTimeInterval(-30 * 86_400))
        }
    }
}
