public import FangyiService
import FangyiEvents
public import Foundation
import Logging

/// The notifier's business logic: cases, contacts, clusters, results, assignments and
/// capacity in; alerts out (`alerts.v1`, the stream, subscribers' webhooks, persons' messages).
///
/// Per batch, in the ``EventProcessor``'s transaction: the batch's facts are recorded
/// (cases, clusters, who is a contact, who was placed, facilities' and persons' areas, the
/// sealed contact of each person's latest result); the areas the batch touched are judged
/// against the risk rule; every alert the facts raise is issued through ``AlertIssuer``.
/// An event that cannot be decoded or is invalid is rejected to `notifier.dlq.v1` on its own.
///
/// Concurrency: `Sendable`; holds only immutable configuration.
public struct NotifierHandler: EventHandler {
    let settings: NotifierSettings
    let clock: @Sendable () -> Date

    /// Creates the handler; `clock` is the wall clock unless a test fixes it.
    public init(settings: NotifierSettings, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.clock = clock
    }

    /// The consumer group every instance joins (dead letters: `notifier.dlq.v1`).
    public static let group = TopicCatalog.notifierGroup

    /// The topics the handler consumes.
    public static let topics = [
        TopicCatalog.tracingCases.name, TopicCatalog.tracingContacts.name, TopicCatalog.tracingClusters.name,
        TopicCatalog.resourceAllocations.name, TopicCatalog.resourceCapacity.name, TopicCatalog.labResults.name,
    ]

    /// Lab results skip the inbox: a mass-testing round is millions of them; keeping a
    /// person's latest sealed contact or a pool's alert twice changes nothing.
    public static let inboxExemptTopics: Set<String> = [TopicCatalog.labResults.name]

    public func handle(_ events: [InboundEvent], in transaction: EventTransaction) async throws {
        var inputs: [(InboundEvent, NotifierInput)] = []
        inputs.reserveCapacity(events.count)
        let now = clock()
        for event in events {
            do {
                guard let input = try Self.input(of: event) else { continue }
                if let problem = Self.problem(input, now: now, maxLead: settings.policy.maxEventLead) {
                    transaction.reject(event, code: "notifier.invalid_event", message: problem)
                    continue
                }
                inputs.append((event, input))
            } catch {
                let failure = (error as? EnvelopeError).map { ($0.code, $0.message) } ?? ("notifier.undecodable", "\(error)")
                transaction.reject(event, code: failure.0, message: failure.1)
            }
        }
        guard !inputs.isEmpty else { return }
        let store = NotifierStore(connection: transaction.connection, logger: settings.logger)
        let facts = BatchFacts(inputs.map(\.1))
        try await facts.record(in: store)
        let issuer = AlertIssuer(store: store, transaction: transaction, settings: settings, now: now)

        let areas = try await store.areas(persons: facts.personsToLocate, facilities: facts.facilitiesToLocate)
        var drafts: [(AlertDraft, InboundEvent)] = []
        for (event, input) in inputs {
            var raised: [AlertDraft]
            switch input {
            case .assignmentWaitlisted(let e):
                raised = AlertRules.waitlist(e, policy: settings.policy).map { [$0] } ?? []
            case .resourceAssigned(let e):
                raised = AlertRules.drafts(for: input, facilityArea: areas.facilities[e.facilityId], personArea: areas.persons[e.subjectRef])
            case .assignmentTransferred(let e):
                raised = AlertRules.drafts(for: input, facilityArea: areas.facilities[e.toFacilityId], personArea: areas.persons[e.subjectRef])
            case .caseLinked(let e):
                raised = AlertRules.drafts(for: input, personArea: areas.persons[e.subjectRef])
            default:
                raised = AlertRules.drafts(for: input)
            }
            if raised.isEmpty, input.needsArea {
                // The facility's and the person's area are both unknown yet (their events come on
                // other topics): the notice cannot be routed.
                settings.metrics.unroutable.increment()
                settings.logger.notice("alert not issued: no area known for it yet", metadata: ["fangyi.event_type": "\(event.envelope.type)"])
            }
            drafts += raised.map { ($0, event) }
        }
        // Cases and clusters count by their own (event) time; a placement can turn a case into
        // one found in quarantine, so its area is judged again too.
        let riskAreas = Set(facts.riskAreas).union(try await store.caseAreas(of: Array(facts.placements.keys)))
        let riskDrafts = try await issuer.assessRisk(riskAreas.sorted(), at: now)
        // One call for the whole batch: each alert keeps its cause (causation id and trace).
        let riskCause = inputs.last?.0
        try await issuer.issue(drafts.map { ($0.0, $0.1) } + riskDrafts.map { ($0, riskCause) })
    }

    /// Decodes the payloads of the next batch (on every core) while the current one is in the database.
    public func prepare(_ events: [InboundEvent]) async -> [InboundEvent] {
        let decoded = await events.concurrentMap { event -> InboundEvent in
            guard let input = try Self.input(of: event) else { return event }
            return event.attaching(input.payload)
        }
        return zip(events, decoded).map { event, result in (try? result.get()) ?? event }
    }

    /// The fact an event states; nil for event types the notifier does not use.
    static func input(of event: InboundEvent) throws -> NotifierInput? {
        switch event.envelope.type {
        case CaseOpened.eventType: .caseOpened(try event.decode(CaseOpened.self))
        case CaseReclassified.eventType: .caseReclassified(try event.decode(CaseReclassified.self))
        case CaseLinked.eventType: .caseLinked(try event.decode(CaseLinked.self))
        case ClusterDetected.eventType: .clusterDetected(try event.decode(ClusterDetected.self))
        case ContactIdentified.eventType: .contactIdentified(try event.decode(ContactIdentified.self))
        case ContactCleared.eventType: .contactCleared(try event.decode(ContactCleared.self))
        case RetestOrdered.eventType: .retestOrdered(try event.decode(RetestOrdered.self))
        case ResourceAssigned.eventType: .resourceAssigned(try event.decode(ResourceAssigned.self))
        case AssignmentTransferred.eventType: .assignmentTransferred(try event.decode(AssignmentTransferred.self))
        case AssignmentWaitlisted.eventType: .assignmentWaitlisted(try event.decode(AssignmentWaitlisted.self))
        case CapacityChanged.eventType: .capacityChanged(try event.decode(CapacityChanged.self))
        case CapacityThresholdCrossed.eventType: .capacityCrossed(try event.decode(CapacityThresholdCrossed.self))
        case StandbyActivated.eventType: .standbyActivated(try event.decode(StandbyActivated.self))
        case PoolResultRecorded.eventType: .poolResult(try event.decode(PoolResultRecorded.self))
        case LabResultRecorded.eventType: .labResult(try event.decode(LabResultRecorded.self))
        default: nil
        }
    }

    /// What is wrong with an input no retry can fix, or nil. Area codes must be codes (the
    /// alerts' record key and their schema require it); cases and clusters may not be stamped
    /// more than `maxLead` after `now` (a wrong clock would keep an area raised for weeks).
    static func problem(_ input: NotifierInput, now: Date, maxLead: Duration) -> String? {
        if let area = input.areaCode, !([6, 9, 12].contains(area.count) && area.allSatisfy(\.isASCIIDigitCharacter)) {
            return "areaCode must be 6, 9 or 12 digits"
        }
        if let (field, time) = input.countedTime, time.timeIntervalSince(now) > maxLead.seconds {
            return "\(field) is \(Int(time.timeIntervalSince(now) / 60)) minutes ahead of the notifier's clock (at most \(Int(maxLead.seconds / 60)) allowed)"
        }
        return nil
    }
}
