import FangyiEvents
import FangyiService
import Foundation
import PostgresNIO

extension NotifierStore {
    /// The reserved subscriber whose deliveries are messages to persons.
    static let personGateway = "person-gateway"

    /// Stores alerts not stored before and queues their deliveries: one per matching
    /// subscriber (paused ones too; they get theirs on resume) and, for person alerts when
    /// a gateway is configured, one message. Alerts in `held` (summarised by a digest) are
    /// stored and published but queued for no subscriber. Returns the alerts that are new, with their
    /// `seq`; repeats (a replayed event) are skipped by alert id.
    ///
    /// Takes a transaction advisory lock first, so `seq` follows commit order across instances.
    func insert(_ alerts: [Alert], held: Set<String> = [], personGateway: Bool) async throws -> [(seq: Int64, alert: Alert)] {
        guard !alerts.isEmpty else { return [] }
        try await execute("SELECT pg_advisory_xact_lock(\(Self.alertSequenceLock))")
        let payloads = try alerts.map { String(decoding: try EventJSON.encode($0), as: UTF8.self) }
        let rows = try await connection.query("""
            INSERT INTO alerts (alert_id, kind, severity_rank, area_code, audience, subject_ref, due_by, held, payload, issued_at)
            SELECT t.i, t.k, t.s, t.a, t.u, NULLIF(t.r, ''), NULLIF(t.d, \(Self.noDate)), t.h, t.p, t.t
            FROM unnest(\(alerts.map(\.alertId))::text[], \(alerts.map(\.kind.rawValue))::text[], \(alerts.map(\.severity.rank))::int[],
                        \(alerts.map(\.areaCode))::text[], \(alerts.map(\.audience.rawValue))::text[], \(alerts.map { $0.subjectRef ?? "" })::text[],
                        \(alerts.map { $0.dueBy ?? Self.noDate })::timestamptz[], \(alerts.map { held.contains($0.alertId) })::bool[],
                        \(payloads)::text[], \(alerts.map(\.issuedAt))::timestamptz[])
                 WITH ORDINALITY AS t(i, k, s, a, u, r, d, h, p, t, n)
            ORDER BY t.n
            ON CONFLICT (alert_id) DO NOTHING
            RETURNING seq, alert_id
            """, logger: logger)
        var seqs: [String: Int64] = [:]
        for try await (seq, id) in rows.decode((Int64, String).self) { seqs[id] = seq }
        guard !seqs.isEmpty else { return [] }
        let fresh = Array(seqs.values)
        try await execute("""
            INSERT INTO deliveries (delivery_id, subscriber_id, channel, alert_seq, state, next_attempt_at)
            SELECT md5(a.alert_id || '/' || s.subscriber_id)::uuid::text, s.subscriber_id, 'webhook', a.seq, 'pending', now()
            FROM alerts a JOIN subscribers s ON s.status <> 'deleted'
                AND a.audience = ANY(s.audiences) AND a.severity_rank >= s.min_severity
                AND (cardinality(s.kinds) = 0 OR a.kind = ANY(s.kinds))
                AND (cardinality(s.areas) = 0 OR EXISTS (SELECT 1 FROM unnest(s.areas) AS p WHERE starts_with(a.area_code, p)))
            WHERE a.seq = ANY(\(fresh)::bigint[]) AND NOT a.held
            ON CONFLICT DO NOTHING
            """)
        if personGateway {
            try await execute("""
                INSERT INTO deliveries (delivery_id, subscriber_id, channel, alert_seq, state, next_attempt_at, expires_at)
                SELECT md5(a.alert_id || '/person')::uuid::text, \(Self.personGateway), 'personMessage', a.seq, 'pending', now(), a.due_by
                FROM alerts a WHERE a.seq = ANY(\(fresh)::bigint[]) AND a.audience = 'person'
                ON CONFLICT DO NOTHING
                """)
        }
        return alerts.compactMap { alert in seqs[alert.alertId].map { (seq: $0, alert: alert) } }.sorted { $0.seq < $1.seq }
    }

    /// The advisory lock that orders alert numbers.
    static let alertSequenceLock = Migrator.advisoryLockKey(schema: "notifier.alerts")

    // MARK: digests

    /// Counts `count` more alerts in each digest window and returns, per window, how many of
    /// them may still go out one by one (the rest are held for the digest).
    func countInDigestWindows(_ windows: [DigestKey: Int], allowed: Int) async throws -> [DigestKey: Int] {
        guard !windows.isEmpty else { return [:] }
        let keys = windows.keys.sorted()
        let rows = try await connection.query("""
            INSERT INTO digest_windows (area_code, kind, audience, window_start, seen)
            SELECT * FROM unnest(\(keys.map(\.area))::text[], \(keys.map(\.kind.rawValue))::text[], \(keys.map(\.audience.rawValue))::text[],
                                 \(keys.map(\.windowStart))::timestamptz[], \(keys.map { windows[$0]! })::int[])
            ON CONFLICT (area_code, kind, audience, window_start) DO UPDATE SET seen = digest_windows.seen + EXCLUDED.seen
            RETURNING area_code, kind, audience, window_start, seen, flushed_at IS NOT NULL
            """, logger: logger)
        var free: [DigestKey: Int] = [:]
        for try await (area, kind, audience, start, seen, flushed) in rows.decode((String, String, String, Date, Int, Bool).self) {
            guard let kind = AlertKind(rawValue: kind), let audience = AlertAudience(rawValue: audience) else { continue }
            let key = DigestKey(area: area, kind: kind, audience: audience, windowStart: start)
            let count = windows[key] ?? 0
            // A window whose digest already went out (instances' clocks differ) holds nothing more.
            free[key] = flushed ? count : max(0, allowed - (seen - count))
        }
        return free
    }

    /// Holds alerts back for their windows' digests.
    func hold(_ held: [DigestKey: (count: Int, severity: Int, refs: [String])]) async throws {
        guard !held.isEmpty else { return }
        let keys = held.keys.sorted()
        // Refs of the first held alerts are kept (at most 100 per window) so the digest names some.
        try await execute("""
            UPDATE digest_windows w SET held = w.held + t.n, severity_rank = GREATEST(w.severity_rank, t.s),
                refs = (w.refs || string_to_array(t.r, ' '))[1:100]
            FROM unnest(\(keys.map(\.area))::text[], \(keys.map(\.kind.rawValue))::text[], \(keys.map(\.audience.rawValue))::text[],
                        \(keys.map(\.windowStart))::timestamptz[], \(keys.map { held[$0]!.count })::int[],
                        \(keys.map { held[$0]!.severity })::int[], \(keys.map { held[$0]!.refs.joined(separator: " ") })::text[])
                 AS t(a, k, u, w, n, s, r)
            WHERE w.area_code = t.a AND w.kind = t.k AND w.audience = t.u AND w.window_start = t.w
            """)
    }

    /// Windows that closed before `cutoff` with alerts held back, marked flushed.
    func takeClosedDigestWindows(before cutoff: Date) async throws -> [(DigestKey, held: Int, severity: Int, refs: [String])] {
        let rows = try await connection.query("""
            UPDATE digest_windows SET flushed_at = now() WHERE (area_code, kind, audience, window_start) IN (
                SELECT area_code, kind, audience, window_start FROM digest_windows
                WHERE held > 0 AND flushed_at IS NULL AND window_start < \(cutoff) FOR UPDATE SKIP LOCKED)
            RETURNING area_code, kind, audience, window_start, held, severity_rank::int, refs
            """, logger: logger)
        var windows: [(DigestKey, held: Int, severity: Int, refs: [String])] = []
        for try await (area, kind, audience, start, held, severity, refs) in rows.decode((String, String, String, Date, Int, Int, [String]).self) {
            guard let kind = AlertKind(rawValue: kind), let audience = AlertAudience(rawValue: audience) else { continue }
            windows.append((DigestKey(area: area, kind: kind, audience: audience, windowStart: start), held, severity, refs))
        }
        return windows.sorted { $0.0 < $1.0 }
    }

    /// Drops digest windows and finished deliveries older than `cutoff`, alerts older than
    /// `alertCutoff` that no delivery waits for, and sealed contacts received before `alertCutoff`.
    func prune(before cutoff: Date, alertsBefore alertCutoff: Date) async throws {
        try await execute("UPDATE persons SET sealed_contact = NULL WHERE contact_at < \(alertCutoff) AND sealed_contact IS NOT NULL")
        try await execute("DELETE FROM digest_windows WHERE window_start < \(cutoff) AND (held = 0 OR flushed_at IS NOT NULL)")
        try await execute("DELETE FROM deliveries WHERE state <> 'pending' AND updated_at < \(cutoff)")
        try await execute("""
            DELETE FROM alerts a WHERE a.issued_at < \(alertCutoff)
            AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_seq = a.seq AND d.state = 'pending')
            """)
    }
}

/// One digest window: alerts of one kind for one audience in one area, starting at `windowStart`.
struct DigestKey: Hashable, Comparable {
    var area: String
    var kind: AlertKind
    var audience: AlertAudience
    var windowStart: Date

    static func < (a: DigestKey, b: DigestKey) -> Bool {
        (a.area, a.kind.rawValue, a.audience.rawValue, a.windowStart) < (b.area, b.kind.rawValue, b.audience.rawValue, b.windowStart)
    }
}
