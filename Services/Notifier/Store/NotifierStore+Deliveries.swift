import FangyiEvents
import FangyiService
import Foundation
import PostgresNIO

/// A subscriber with a delivery due.
struct DueSubscriber: Sendable {
    var id: String
    var url: String
    var secret: String
    var ratePerMinute: Int
}

/// A pending delivery with its alert.
struct PendingDelivery: Sendable {
    var deliveryId: String
    var seq: Int64
    var attempts: Int
    /// How often an operator put it back after it was dead-lettered (names its attempts' events).
    var redeliveries: Int
    var nextAttemptAt: Date
    var expiresAt: Date?
    var alertId: String
    var issuedAt: Date
    var payload: String
    var subjectRef: String?
    var sealedContact: String?
}

/// The result of one delivery attempt, as recorded and published.
struct AttemptOutcome: Sendable {
    var delivery: PendingDelivery
    var subscriberId: String
    var channel: DeliveryChannel
    var outcome: DeliveryOutcome
    var statusCode: Int?
    var error: String?
    var nextAttemptAt: Date
    var at: Date

    var attempt: Int { delivery.attempts + 1 }
}

extension NotifierStore {
    /// Active subscribers whose oldest pending delivery is due at `now`, except those in
    /// `excluding` (already being served: their queues need no look).
    func dueSubscribers(now: Date, excluding: [String] = []) async throws -> [DueSubscriber] {
        let rows = try await connection.query("""
            SELECT s.subscriber_id, s.url, s.secret, s.rate_per_minute FROM subscribers s
            WHERE s.status = 'active' AND s.subscriber_id <> ALL(\(excluding)::text[]) AND (
                SELECT d.next_attempt_at FROM deliveries d WHERE d.subscriber_id = s.subscriber_id AND d.state = 'pending'
                ORDER BY d.alert_seq LIMIT 1) <= \(now)
            """, logger: logger)
        var due: [DueSubscriber] = []
        for try await (id, url, secret, rate) in rows.decode((String, String, String, Int).self) {
            due.append(DueSubscriber(id: id, url: url, secret: secret, ratePerMinute: rate))
        }
        return due
    }

    /// The subscriber's next pending deliveries after alert number `after`, in alert order
    /// (none while it is not active).
    func pendingDeliveries(subscriber: String, after: Int64 = 0, limit: Int) async throws -> [PendingDelivery] {
        try await deliveries(where: """
            d.subscriber_id = \(subscriber) AND d.state = 'pending' AND d.alert_seq > \(after)
            AND EXISTS (SELECT 1 FROM subscribers s WHERE s.subscriber_id = d.subscriber_id AND s.status = 'active')
            ORDER BY d.alert_seq LIMIT \(limit)
            """)
    }

    /// Person messages due at `now`, oldest first.
    func duePersonMessages(now: Date, limit: Int) async throws -> [PendingDelivery] {
        try await deliveries(where: """
            d.subscriber_id = \(Self.personGateway) AND d.state = 'pending' AND d.next_attempt_at <= \(now)
            ORDER BY d.next_attempt_at, d.alert_seq LIMIT \(limit)
            """)
    }

    private func deliveries(where condition: PostgresQuery) async throws -> [PendingDelivery] {
        var query = PostgresQuery(unsafeSQL: """
            SELECT d.delivery_id, d.alert_seq, d.attempts, d.redeliveries, d.next_attempt_at, d.expires_at, a.alert_id, a.issued_at,
                   a.payload, a.subject_ref, p.sealed_contact
            FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq LEFT JOIN persons p ON p.subject_ref = a.subject_ref
            WHERE\u{20}
            """)
        // The prefix has no binds, so the condition's $n stay right.
        query.sql += condition.sql
        query.binds = condition.binds
        let rows = try await connection.query(query, logger: logger)
        var list: [PendingDelivery] = []
        for try await (id, seq, attempts, redeliveries, next, expires, alertId, issuedAt, payload, subject, sealed)
            in rows.decode((String, Int64, Int, Int, Date, Date?, String, Date, String, String?, String?).self) {
            list.append(PendingDelivery(deliveryId: id, seq: seq, attempts: attempts, redeliveries: redeliveries, nextAttemptAt: next,
                                        expiresAt: expires, alertId: alertId, issuedAt: issuedAt, payload: payload, subjectRef: subject,
                                        sealedContact: sealed))
        }
        return list
    }

    /// Records attempts: the deliveries' states, the subscribers' failure counts (a
    /// dead-lettered webhook delivery pauses its subscriber). Returns the outcomes that
    /// changed a pending delivery (a delivery finished elsewhere is not recorded twice).
    func record(_ outcomes: [AttemptOutcome]) async throws -> [AttemptOutcome] {
        guard !outcomes.isEmpty else { return [] }
        let rows = try await connection.query("""
            UPDATE deliveries d SET attempts = t.n, state = t.s, last_status = NULLIF(t.c, 0), last_error = NULLIF(t.e, ''),
                next_attempt_at = t.x, delivered_at = CASE WHEN t.s = 'delivered' THEN t.a END, updated_at = t.a
            FROM unnest(\(outcomes.map(\.delivery.deliveryId))::text[], \(outcomes.map(\.attempt))::int[],
                        \(outcomes.map { Self.state(of: $0.outcome) })::text[], \(outcomes.map { $0.statusCode ?? 0 })::int[],
                        \(outcomes.map { $0.error ?? "" })::text[], \(outcomes.map(\.nextAttemptAt))::timestamptz[],
                        \(outcomes.map(\.at))::timestamptz[]) AS t(i, n, s, c, e, x, a)
            WHERE d.delivery_id = t.i AND d.state = 'pending' AND d.attempts = t.n - 1
            RETURNING d.delivery_id
            """, logger: logger)
        var changed = Set<String>()
        for try await id in rows.decode(String.self) { changed.insert(id) }
        let recorded = outcomes.filter { changed.contains($0.delivery.deliveryId) }
        // Per subscriber, its last webhook outcome decides: delivered resets the failure count,
        // failed adds one, dead-lettered pauses the subscriber.
        var last: [String: AttemptOutcome] = [:]
        for outcome in recorded where outcome.channel == .webhook { last[outcome.subscriberId] = outcome }
        let subscribers = last.keys.sorted()
        guard !subscribers.isEmpty else { return recorded }
        try await execute("""
            UPDATE subscribers s SET
                consecutive_failures = CASE WHEN t.o = 'delivered' THEN 0 ELSE s.consecutive_failures + 1 END,
                status = CASE WHEN t.o = 'deadLettered' AND s.status = 'active' THEN 'paused' ELSE s.status END,
                paused_reason = CASE WHEN t.o = 'deadLettered' AND s.status = 'active' THEN t.r ELSE s.paused_reason END,
                updated_at = now()
            FROM unnest(\(subscribers)::text[], \(subscribers.map { last[$0]!.outcome.rawValue })::text[],
                        \(subscribers.map { Self.pauseReason(last[$0]!) })::text[]) AS t(i, o, r)
            WHERE s.subscriber_id = t.i
            """)
        return recorded
    }

    static func state(of outcome: DeliveryOutcome) -> String {
        switch outcome {
        case .delivered: "delivered"
        case .failed: "pending"
        case .deadLettered: "dead"
        }
    }

    static func pauseReason(_ outcome: AttemptOutcome) -> String {
        "delivery \(outcome.delivery.deliveryId) dead-lettered after \(outcome.attempt) attempts: \(outcome.error ?? "HTTP \(outcome.statusCode ?? 0)")"
    }
}
