import FangyiEvents
import FangyiService
import Foundation
import Logging

/// Turns drafts into issued alerts inside one transaction: flood control (digest windows),
/// templates, the `alerts` table with its deliveries, and `Alert` events on `alerts.v1`
/// through the outbox. Also judges areas' risk levels. Shared by the event handler, the
/// schedule and the tests.
///
/// Not `Sendable`: it belongs to the transaction it was made for.
struct AlertIssuer {
    let store: NotifierStore
    let transaction: EventTransaction
    let settings: NotifierSettings
    /// Wall-clock now: alerts' issue times and digest windows.
    let now: Date

    /// The `source` of the events the notifier publishes.
    static let source = "/fangyi/notifier"

    var policy: NotifierPolicy { settings.policy }

    /// Re-judges `areas` at event time `at`, saves every assessment and returns the alerts
    /// for the areas whose level changed.
    func assessRisk(_ areas: [String], at: Date) async throws -> [AlertDraft] {
        guard !areas.isEmpty else { return [] }
        let current = try await store.lockLevels(areas, now: at, rule: policy.riskRule)
        let facts = try await store.facts(areas, windowStart: RiskWindow.start(now: at, policy: policy))
        var assessments: [(AreaFacts, RiskAssessment)] = []
        var changed = Set<String>()
        var drafts: [AlertDraft] = []
        for fact in facts {
            let assessment = policy.riskRule.assess(fact, policy: policy)
            assessments.append((fact, assessment))
            let previous = current[fact.areaCode] ?? (.low, 0)
            if previous.level != assessment.level {
                changed.insert(fact.areaCode)
                drafts += AlertRules.riskChange(area: fact.areaCode, from: previous.level, to: assessment.level,
                                                reason: assessment.reason, change: previous.changes + 1)
            }
        }
        try await store.saveLevels(assessments, changed: changed, rule: policy.riskRule, now: at)
        for area in changed.sorted() {
            settings.metrics.riskChanges.increment()
            settings.logger.info("area risk level changed", metadata: [
                "fangyi.area": "\(area)", "fangyi.risk_level": "\(assessments.first { $0.0.areaCode == area }?.1.level.rawValue ?? "")",
            ])
        }
        return drafts
    }

    /// Issues `drafts`: every one is rendered, stored and published on `alerts.v1`; those of
    /// flood-prone kinds beyond the digest allowance are held (not pushed to subscribers one by
    /// one) and counted in their window's digest; the rest are queued for delivery.
    /// Returns how many alerts were issued.
    @discardableResult
    func issue(_ drafts: [AlertDraft], cause: InboundEvent?) async throws -> Int {
        try await issue(drafts.map { ($0, cause) })
    }

    /// Issues drafts each with the consumed event that caused it (its causation id), all in
    /// one set of statements.
    @discardableResult
    func issue(_ caused: [(AlertDraft, InboundEvent?)]) async throws -> Int {
        guard !caused.isEmpty else { return 0 }
        let drafts = caused.map(\.0)
        let windowStart = Self.windowStart(now, window: policy.digestWindow)
        var counts: [DigestKey: Int] = [:]
        for draft in drafts where isDigestible(draft) {
            counts[DigestKey(area: draft.areaCode, kind: draft.kind, audience: draft.audience, windowStart: windowStart), default: 0] += 1
        }
        var free = try await store.countInDigestWindows(counts, allowed: policy.digestAfter)
        var held: [DigestKey: (count: Int, severity: Int, refs: [String])] = [:]
        var heldIDs = Set<String>()
        for (draft, _) in caused where isDigestible(draft) {
            let key = DigestKey(area: draft.areaCode, kind: draft.kind, audience: draft.audience, windowStart: windowStart)
            if free[key, default: 0] > 0 {
                free[key, default: 0] -= 1
            } else {
                var entry = held[key] ?? (0, 0, [])
                entry.count += 1
                entry.severity = max(entry.severity, draft.severity.rank)
                entry.refs.append(contentsOf: draft.refs.prefix(1))
                held[key] = entry
                heldIDs.insert(draft.alertId)
            }
        }
        try await store.hold(held)
        if !held.isEmpty { settings.metrics.heldForDigest.increment(by: heldIDs.count) }
        // Every alert is stored and published (the complete record on alerts.v1 and in the list);
        // held ones are only not pushed to subscribers one by one.
        var causes: [String: InboundEvent] = [:]
        let alerts = caused.map { draft, cause in
            let alert = settings.templates.render(draft, issuedAt: now)
            if let cause { causes[alert.alertId] = cause }
            return alert
        }
        let stored = try await store.insert(alerts, held: heldIDs, personGateway: settings.personGateway)
        for (_, alert) in stored {
            let id = UUID(uuidString: alert.alertId) ?? EventID.derive(["notifier.alert", alert.alertId])
            transaction.publish(try OutboundEvent(alert, id: id, source: Self.source, time: now, subject: alert.subjectRef,
                                                  cause: causes[alert.alertId]))
            settings.metrics.issued(alert)
        }
        return stored.count
    }

    /// Issues the digests of windows that closed, at `now`.
    func flushDigests() async throws -> Int {
        let closed = try await store.takeClosedDigestWindows(before: now.addingTimeInterval(-policy.digestWindow.seconds))
        let drafts = closed.map { key, held, severity, refs in
            AlertRules.digest(kind: key.kind, audience: key.audience, area: key.area, windowStart: key.windowStart,
                              window: policy.digestWindow, count: held, refs: refs,
                              severity: [.info, .warning, .critical][min(2, max(0, severity))])
        }
        // Digests are never digested again: the digest kind is not flood-prone.
        return try await issue(drafts, cause: nil)
    }

    private func isDigestible(_ draft: AlertDraft) -> Bool {
        draft.audience != .person && policy.digestKinds.contains(draft.kind) && draft.kind != .digest
    }

    /// The start of the digest window holding `date`.
    static func windowStart(_ date: Date, window: Duration) -> Date {
        let length = max(1, window.seconds)
        return Date(timeIntervalSince1970: (date.timeIntervalSince1970 / length).rounded(.down) * length)
    }
}
