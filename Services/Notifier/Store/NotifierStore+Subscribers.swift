import FangyiEvents
import FangyiService
import Foundation
import PostgresNIO

/// A subscription as operators see it (never its secret).
struct SubscriptionView: Codable, Sendable {
    var subscriptionId: String
    var name: String
    var url: String
    var kinds: [AlertKind]
    var areas: [String]
    var minSeverity: AlertSeverity
    var audiences: [AlertAudience]
    var ratePerMinute: Int
    var status: String
    var pausedReason: String?
    var consecutiveFailures: Int
    var pending: Int
    var deadLettered: Int
    var delivered: Int
    var lastDeliveredAt: Date?
    var createdAt: Date
}

/// One delivery as operators see it.
struct DeliveryView: Codable, Sendable {
    var deliveryId: String
    var alertSeq: Int64
    var state: String
    var attempts: Int
    var nextAttemptAt: Date
    var lastStatus: Int?
    var lastError: String?
    var deliveredAt: Date?
}

/// An area's level as published.
struct AreaLevelView: Codable, Sendable {
    var areaCode: String
    var level: RiskLevel
    var reason: LocalizedText
    var rule: String
    var since: Date?
    var evaluatedAt: Date?
    var facts: AreaFacts?
}

extension NotifierStore {
    func createSubscriber(id: String, name: String, url: String, secret: String, filter: AlertFilter, ratePerMinute: Int) async throws {
        try await execute("""
            INSERT INTO subscribers (subscriber_id, name, url, secret, kinds, areas, min_severity, audiences, rate_per_minute, status)
            VALUES (\(id), \(name), \(url), \(secret), \(filter.kinds.map(\.rawValue))::text[], \(filter.areas)::text[],
                    \(filter.minSeverity.rank), \(filter.audiences.map(\.rawValue))::text[], \(ratePerMinute), 'active')
            """)
    }

    func subscriptions(id: String? = nil) async throws -> [SubscriptionView] {
        let rows = try await connection.query("""
            SELECT s.subscriber_id, s.name, s.url, s.kinds, s.areas, s.min_severity::int, s.audiences, s.rate_per_minute, s.status,
                   s.paused_reason, s.consecutive_failures, s.created_at,
                   count(d.delivery_id) FILTER (WHERE d.state = 'pending')::int, count(d.delivery_id) FILTER (WHERE d.state = 'dead')::int,
                   count(d.delivery_id) FILTER (WHERE d.state = 'delivered')::int, max(d.delivered_at)
            FROM subscribers s LEFT JOIN deliveries d ON d.subscriber_id = s.subscriber_id
            WHERE s.status <> 'deleted' AND (\(id ?? "")::text = '' OR s.subscriber_id = \(id ?? ""))
            GROUP BY s.subscriber_id ORDER BY s.created_at, s.subscriber_id
            """, logger: logger)
        var list: [SubscriptionView] = []
        for try await (id, name, url, kinds, areas, severity, audiences, rate, status, reason, failures, created, pending, dead, delivered, last)
            in rows.decode((String, String, String, [String], [String], Int, [String], Int, String, String?, Int, Date, Int, Int, Int, Date?).self) {
            list.append(SubscriptionView(
                subscriptionId: id, name: name, url: url, kinds: kinds.compactMap(AlertKind.init(rawValue:)), areas: areas,
                minSeverity: [.info, .warning, .critical][min(2, max(0, severity))],
                audiences: audiences.compactMap(AlertAudience.init(rawValue:)), ratePerMinute: rate, status: status,
                pausedReason: reason, consecutiveFailures: failures, pending: pending, deadLettered: dead, delivered: delivered,
                lastDeliveredAt: last, createdAt: created))
        }
        return list
    }

    /// Sets an existing subscriber's status; returns false when there is none.
    func setStatus(_ id: String, to status: String, reason: String?) async throws -> Bool {
        let rows = try await connection.query("""
            UPDATE subscribers SET status = \(status), paused_reason = \(reason), consecutive_failures =
                CASE WHEN \(status) = 'active' THEN 0 ELSE consecutive_failures END, updated_at = now()
            WHERE subscriber_id = \(id) AND status <> 'deleted' RETURNING 1
            """, logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    /// Puts a subscriber's dead-lettered deliveries back in its queue (in alert order, first),
    /// with a fresh budget of attempts; person messages only while their order is still due.
    /// Returns how many.
    @discardableResult
    func redeliverDeadLettered(_ id: String) async throws -> Int {
        let rows = try await connection.query("""
            UPDATE deliveries SET state = 'pending', attempts = 0, redeliveries = redeliveries + 1, next_attempt_at = now(),
                updated_at = now()
            WHERE subscriber_id = \(id) AND state = 'dead' AND (expires_at IS NULL OR expires_at > now())
            RETURNING 1
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(Int.self) { count += 1 }
        return count
    }

    /// Ends a deleted subscriber's queue.
    func dropPending(_ id: String) async throws {
        try await execute("""
            UPDATE deliveries SET state = 'dead', last_error = 'subscription deleted', updated_at = now()
            WHERE subscriber_id = \(id) AND state = 'pending'
            """)
    }

    func deliveries(subscriber: String, state: String?, limit: Int) async throws -> [DeliveryView] {
        let rows = try await connection.query("""
            SELECT delivery_id, alert_seq, state, attempts, next_attempt_at, last_status, last_error, delivered_at FROM deliveries
            WHERE subscriber_id = \(subscriber) AND (\(state ?? "")::text = '' OR state = \(state ?? ""))
            ORDER BY alert_seq DESC LIMIT \(limit)
            """, logger: logger)
        var list: [DeliveryView] = []
        for try await (id, seq, state, attempts, next, status, error, delivered)
            in rows.decode((String, Int64, String, Int, Date, Int?, String?, Date?).self) {
            list.append(DeliveryView(deliveryId: id, alertSeq: seq, state: state, attempts: attempts, nextAttemptAt: next,
                                     lastStatus: status, lastError: error, deliveredAt: delivered))
        }
        return list
    }

    // MARK: reading alerts and levels

    /// Alerts after `seq` up to `through` that pass `filter`, in order (the stream and
    /// `GET /v1/alerts`); held alerts (summarised by a digest) only when `includeHeld`.
    func alerts(after seq: Int64, through: Int64 = .max, filter: AlertFilter, includeHeld: Bool = true,
                limit: Int) async throws -> [(seq: Int64, payload: String)] {
        let rows = try await connection.query("""
            SELECT seq, payload FROM alerts
            WHERE seq > \(seq) AND seq <= \(through) AND (\(includeHeld) OR NOT held) AND audience = ANY(\(filter.audiences.map(\.rawValue))::text[]) AND severity_rank >= \(filter.minSeverity.rank)
              AND (cardinality(\(filter.kinds.map(\.rawValue))::text[]) = 0 OR kind = ANY(\(filter.kinds.map(\.rawValue))::text[]))
              AND (cardinality(\(filter.areas)::text[]) = 0 OR EXISTS (SELECT 1 FROM unnest(\(filter.areas)::text[]) AS p WHERE starts_with(area_code, p)))
            ORDER BY seq LIMIT \(limit)
            """, logger: logger)
        var list: [(Int64, String)] = []
        for try await row in rows.decode((Int64, String).self) { list.append(row) }
        return list.map { (seq: $0.0, payload: $0.1) }
    }

    /// The highest alert number so far (0 when none).
    func lastAlertSeq() async throws -> Int64 {
        for try await value in try await connection.query("SELECT COALESCE(max(seq), 0) FROM alerts", logger: logger).decode(Int64.self) {
            return value
        }
        return 0
    }

    func levels(area: String? = nil) async throws -> [AreaLevelView] {
        let rows = try await connection.query("""
            SELECT area_code, level, reason_zh, reason_en, rule, since, evaluated_at, facts::text FROM area_levels
            WHERE \(area ?? "")::text = '' OR area_code = \(area ?? "") ORDER BY area_code
            """, logger: logger)
        var list: [AreaLevelView] = []
        for try await (code, level, zh, en, rule, since, evaluated, facts)
            in rows.decode((String, String, String, String, String, Date, Date, String?).self) {
            list.append(AreaLevelView(areaCode: code, level: RiskLevel(rawValue: level) ?? .low, reason: LocalizedText(zh: zh, en: en),
                                      rule: rule, since: since, evaluatedAt: evaluated,
                                      facts: facts.flatMap { try? JSONDecoder().decode(AreaFacts.self, from: Data($0.utf8)) }))
        }
        return list
    }
}
