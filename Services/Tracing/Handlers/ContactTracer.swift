import FangyiEvents
import FangyiService
import Foundation
import Logging

/// Finds and records the contacts of cases, inside one batch's transaction.
///
/// Close contacts come from co-presence at venues (tier by venue kind) and from
/// relations (tier by relation kind) during the case's infectious window; each new
/// close contact's own visits and household from first exposure to isolation give
/// the secondary contacts. Every finding goes through ``apply(_:cause:)``, which
/// locks the persons, keeps the strongest finding per person, creates or upgrades
/// (never duplicates), and publishes `ContactIdentified`.
///
/// Not `Sendable`: it lives for one `handle` call.
final class ContactTracer {
    let store: TracingStore
    let policy: TracingPolicy
    let now: Date
    let transaction: EventTransaction
    let metrics: TracingMetrics
    static let source = "fangyi/tracing"

    init(store: TracingStore, policy: TracingPolicy, now: Date, transaction: EventTransaction, metrics: TracingMetrics) {
        self.store = store
        self.policy = policy
        self.now = now
        self.transaction = transaction
        self.metrics = metrics
    }

    func publish<E: KeyedEvent>(_ event: E, id: UUID, cause: InboundEvent) throws {
        transaction.publish(try OutboundEvent(event, id: id, source: Self.source, time: now, cause: cause))
    }

    // MARK: close contacts of a case

    /// Traces a case over its whole window (a new case, or a window that grew). Repeating it
    /// finds nothing new: existing contacts are kept.
    func trace(_ record: CaseRecord, cause: InboundEvent) async throws {
        let start = ContinuousClock.now
        defer { metrics.traceDuration.record(duration: ContinuousClock.now - start) }
        let visits = try await store.visits(of: [(record.subjectRef, record.window)], longestStay: policy.longestStay)
        let sources = visits.compactMap { _, visit in caseSource(visit, of: record) }
        var findings = try await coPresence(sources)
        let related = try await store.related(to: [(record.subjectRef, record.window)], kinds: RelationKind.allCases)
        for relation in related {
            guard let exposure = relation.validity.intersection(record.window) else { continue }
            findings.append(ContactFinding(
                subjectRef: relation.otherRef, tier: policy.tier(for: relation.kind), sourceCaseId: record.caseId,
                via: Self.route(relation.kind), exposureAreaCode: record.areaCode, exposure: exposure))
        }
        try await store.addExposureSources(sources)
        try await apply(findings, cause: cause)
    }

    /// The exposure source a case's visit makes: the part inside the window, granting the
    /// venue kind's tier.
    func caseSource(_ visit: Visit, of record: CaseRecord) -> ExposureSource? {
        guard let span = visit.span.intersection(record.window) else { return nil }
        var clipped = visit
        clipped.span = span
        return ExposureSource(visit: clipped, caseId: record.caseId, contactId: nil, grants: policy.tier(at: visit.venueKind))
    }

    /// The exposure source a close contact's visit makes: inside first exposure to
    /// isolation, at venues where co-presence is close (secondary contacts are not
    /// traced from supermarket-like venues).
    func contactSource(_ visit: Visit, of contact: ContactRecord) -> ExposureSource? {
        guard policy.tier(at: visit.venueKind) == .close,
              let span = visit.span.intersection(Self.secondaryWindow(of: contact)) else { return nil }
        var clipped = visit
        clipped.span = span
        return ExposureSource(visit: clipped, caseId: contact.sourceCaseId, contactId: contact.contactId, grants: .secondary)
    }

    /// A close contact can pass the infection on from their first exposure until they
    /// were isolated, which tracing takes to be when they were identified.
    static func secondaryWindow(of contact: ContactRecord) -> TimeSpan {
        TimeSpan(start: contact.exposure.start, end: contact.identifiedAt)
    }

    static func route(_ kind: RelationKind) -> ExposureRoute {
        switch kind {
        case .household: .household
        case .workplace: .workplace
        case .classmate: .classmate
        case .interviewDeclared: .interview
        }
    }

    /// Everyone co-present with a source visit, as findings at the source's tier.
    func coPresence(_ sources: [ExposureSource]) async throws -> [ContactFinding] {
        let others = try await store.coPresent(sources.map(\.visit), longestStay: policy.longestStay)
        return others.compactMap { index, visit in finding(visit, exposedBy: sources[index]) }
    }

    /// The finding a visit overlapping a source makes, or `nil` for the source's own person.
    func finding(_ visit: Visit, exposedBy source: ExposureSource) -> ContactFinding? {
        guard visit.subjectRef != source.visit.subjectRef, let exposure = visit.span.intersection(source.visit.span) else { return nil }
        return ContactFinding(
            subjectRef: visit.subjectRef, tier: source.grants, sourceCaseId: source.caseId, viaContactId: source.contactId,
            via: .venue, venueId: visit.venueId, exposureAreaCode: source.visit.areaCode, exposure: exposure)
    }

    // MARK: secondary contacts

    /// Traces the secondary contacts of close contacts: co-presence and household.
    func traceSecondary(_ contacts: [ContactRecord], cause: InboundEvent) async throws {
        guard !contacts.isEmpty else { return }
        let windows = contacts.map { ($0.subjectRef, Self.secondaryWindow(of: $0)) }
        let visits = try await store.visits(of: windows, longestStay: policy.longestStay)
        let sources = visits.compactMap { index, visit in contactSource(visit, of: contacts[index]) }
        var findings = try await coPresence(sources)
        for relation in try await store.related(to: windows, kinds: [.household]) {
            let contact = contacts[relation.index]
            guard let exposure = relation.validity.intersection(windows[relation.index].1) else { continue }
            findings.append(ContactFinding(
                subjectRef: relation.otherRef, tier: .secondary, sourceCaseId: contact.sourceCaseId,
                viaContactId: contact.contactId, via: .household, exposureAreaCode: contact.areaCode, exposure: exposure))
        }
        try await store.addExposureSources(sources)
        _ = try await record(findings, cause: cause)
    }

    // MARK: applying findings

    /// Records findings and traces the secondary contacts of every person who became a
    /// close contact by them.
    func apply(_ findings: [ContactFinding], cause: InboundEvent) async throws {
        let newlyClose = try await record(findings, cause: cause)
        try await traceSecondary(newlyClose, cause: cause)
    }

    /// Locks the persons found, creates or upgrades their contact records, publishes
    /// `ContactIdentified` for each change; returns the records that are now close.
    private func record(_ findings: [ContactFinding], cause: InboundEvent) async throws -> [ContactRecord] {
        let best = ContactFinding.strongest(findings)
        guard !best.isEmpty else { return [] }
        let states = try await store.lockPersons(best.map(\.subjectRef))
        var created: [ContactRecord] = []
        var upgraded: [ContactRecord] = []
        var extended: [ContactRecord] = []
        for finding in best {
            let state = states[finding.subjectRef]
            switch ContactDecision.decide(finding, existingTier: state?.contact?.tier, existingLastExposure: state?.contact?.exposure.end,
                                          isCase: state?.openCaseId != nil, isSource: false) {
            case .skip, .keep:
                continue
            case .extend:
                // Same contact, tier, identification and follow-up; the latest exposure's
                // source and a window from the first exposure to this later one.
                guard let existing = state?.contact else { continue }
                var record = contactRecord(finding, id: existing.contactId, residence: existing.areaCode, identifiedAt: existing.identifiedAt)
                record.exposure.start = min(existing.exposure.start, finding.exposure.start)
                record.followUpDeadline = existing.followUpDeadline
                record.followedUpAt = existing.followedUpAt
                extended.append(record)
            case .create:
                created.append(contactRecord(finding, id: TracingIdentity.contactID(subjectRef: finding.subjectRef, sourceCaseId: finding.sourceCaseId),
                                             residence: state?.areaCode))
            case .upgrade:
                guard let existing = state?.contact else { continue }
                // A secondary contact has been in home quarantine since identified; a companion was not isolated.
                let isolatedSince = existing.tier == .companion ? now : existing.identifiedAt
                upgraded.append(contactRecord(finding, id: existing.contactId, residence: state?.areaCode ?? existing.areaCode,
                                              identifiedAt: isolatedSince))
            }
        }
        let inserted = try await store.saveContacts(created: created, upgraded: upgraded + extended)
        created.removeAll { !inserted.contains($0.contactId) }
        for (records, change) in [(created, ContactChange.created), (upgraded, .upgraded), (extended, .extended)] {
            for contact in records {
                // An extension is a new fact about the same contact and tier: its id names the new last exposure.
                let id = change == .extended
                    ? TracingIdentity.eventID(ContactIdentified.self, contact.contactId, contact.tier.rawValue, contact.sourceCaseId,
                                              "last-exposure \(Int64(contact.exposure.end.timeIntervalSince1970 * 1000))")
                    : TracingIdentity.eventID(ContactIdentified.self, contact.contactId, contact.tier.rawValue, contact.sourceCaseId)
                try publish(ContactIdentified(
                    contactId: contact.contactId, subjectRef: contact.subjectRef, tier: contact.tier,
                    sourceCaseId: contact.sourceCaseId, viaContactId: contact.viaContactId, via: contact.via,
                    venueId: contact.venueId, areaCode: contact.areaCode, exposureFrom: contact.exposure.start,
                    exposureUntil: contact.exposure.end, lastExposureAt: contact.exposure.end,
                    followUpDeadline: contact.followUpDeadline, identifiedAt: contact.identifiedAt),
                    id: id, cause: cause)
                metrics.contact(tier: contact.tier, change: change)
            }
        }
        return (created + upgraded).filter { $0.tier == .close }
    }

    private func contactRecord(_ finding: ContactFinding, id: String, residence: String?, identifiedAt: Date? = nil) -> ContactRecord {
        ContactRecord(
            contactId: id, subjectRef: finding.subjectRef, tier: finding.tier, sourceCaseId: finding.sourceCaseId,
            viaContactId: finding.viaContactId, via: finding.via, venueId: finding.venueId,
            areaCode: residence ?? finding.exposureAreaCode, exposureAreaCode: finding.exposureAreaCode,
            exposure: finding.exposure, identifiedAt: identifiedAt ?? now,
            followUpDeadline: FollowUp.deadline(identifiedAt: now, policy: policy), followedUpAt: nil)
    }
}
