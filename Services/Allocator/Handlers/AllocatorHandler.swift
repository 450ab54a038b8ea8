public import FangyiService
import FangyiEvents
public import Foundation
public import Logging

/// The allocator's business logic: cases, contacts, clinical assessments and negative
/// release tests in; assignments, waitlist places, transfers, releases and capacity out.
///
/// Runs inside the ``EventProcessor``'s transaction: a batch's facts are folded into each
/// person's state, then each changed person is reconciled once (see `AllocationRun`), and
/// everything commits with its events. An event that cannot be decoded or is invalid is
/// rejected to the dead-letter topic on its own. Other event types on the consumed topics
/// (chain links, retest orders, pool results) are not the allocator's and pass.
///
/// Concurrency: `Sendable`; holds only immutable configuration and thread-safe helpers.
public struct AllocatorHandler: EventHandler {
    let policy: AllocationPolicy
    let metrics: AllocatorMetrics
    let logger: Logger
    let clock: @Sendable () -> Date

    /// Creates the handler; `clock` is "now" for decisions (the wall clock unless a test fixes it).
    public init(policy: AllocationPolicy, metrics: AllocatorMetrics, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.policy = policy
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
    }

    /// The topics the handler consumes.
    public static let topics = [
        TopicCatalog.tracingCases.name, TopicCatalog.tracingContacts.name,
        TopicCatalog.clinicalAssessments.name, TopicCatalog.labResults.name,
    ]

    /// Lab results skip the inbox: a mass-testing round is millions of them, almost none about
    /// a person the allocator knows, and applying a negative twice changes nothing.
    public static let inboxExemptTopics: Set<String> = [TopicCatalog.labResults.name]

    public func handle(_ events: [InboundEvent], in transaction: EventTransaction) async throws {
        let start = ContinuousClock.now
        defer { metrics.decisionDuration.record(duration: ContinuousClock.now - start) }
        var inputs: [(InboundEvent, String, PersonState.Input)] = []
        inputs.reserveCapacity(events.count)
        for event in events {
            do {
                guard let (subject, input) = try Self.input(of: event) else { continue }
                if let problem = Self.problem(subject: subject, input: input) {
                    transaction.reject(event, code: "allocator.invalid_event", message: problem)
                    continue
                }
                inputs.append((event, subject, input))
            } catch {
                let failure = (error as? EnvelopeError).map { ($0.code, $0.message) } ?? ("allocator.undecodable", "\(error)")
                transaction.reject(event, code: failure.0, message: failure.1)
            }
        }
        guard !inputs.isEmpty else { return }
        let store = AllocatorStore(connection: transaction.connection, logger: logger)
        // Negative results matter only for persons the allocator already knows (contacts in quarantine).
        let resultSubjects = inputs.compactMap { if case .result = $0.2 { $0.1 } else { nil } }
        if !resultSubjects.isEmpty {
            // Known already, or becoming known in this batch (a contact and their test together).
            let known = try await store.knownPersons(resultSubjects)
                .union(inputs.compactMap { if case .result = $0.2 { nil } else { $0.1 } })
            inputs.removeAll { if case .result = $0.2 { !known.contains($0.1) } else { false } }
        }
        guard !inputs.isEmpty else { return }
        var states = try await store.lockPersons(inputs.map(\.1))
        var causes: [String: Cause] = [:]
        for (event, subject, input) in inputs {
            states[subject, default: PersonState(subjectRef: subject)].apply(input)
            causes[subject] = Cause(event: event)
        }
        let run = AllocationRun(store: store, policy: policy, now: clock(), transaction: transaction, metrics: metrics)
        try await run.reconcile(states.keys.sorted().compactMap { states[$0] }, causes: causes)
        try await run.finish(capacity: CapacityReporter(policy: policy))
    }

    /// Decodes the payloads of the next batch (on every core) while the current one is in
    /// the database; an event that does not decode is left as it is, and `handle` rejects it.
    public func prepare(_ events: [InboundEvent]) async -> [InboundEvent] {
        let decoded = await events.concurrentMap { event -> InboundEvent in
            guard let (_, input) = try Self.input(of: event) else { return event }
            return event.attaching(input.payload)
        }
        return zip(events, decoded).map { event, result in (try? result.get()) ?? event }
    }

    /// The person and the fact an event states; nil for event types the allocator does not use.
    static func input(of event: InboundEvent) throws -> (String, PersonState.Input)? {
        switch event.envelope.type {
        case CaseOpened.eventType: let e = try event.decode(CaseOpened.self); return (e.subjectRef, .caseOpened(e))
        case CaseReclassified.eventType: let e = try event.decode(CaseReclassified.self); return (e.subjectRef, .caseReclassified(e))
        case CaseRecovered.eventType: let e = try event.decode(CaseRecovered.self); return (e.subjectRef, .caseRecovered(e))
        case ContactIdentified.eventType: let e = try event.decode(ContactIdentified.self); return (e.subjectRef, .contactIdentified(e))
        case ContactCleared.eventType: let e = try event.decode(ContactCleared.self); return (e.subjectRef, .contactCleared(e))
        case ClinicalAssessment.eventType: let e = try event.decode(ClinicalAssessment.self); return (e.subjectRef, .assessment(e))
        case LabResultRecorded.eventType: let e = try event.decode(LabResultRecorded.self); return (e.subjectRef, .result(e))
        default: return nil
        }
    }

    /// What is wrong with an input no retry can fix, or nil.
    static func problem(subject: String, input: PersonState.Input) -> String? {
        if subject.isEmpty { return "subjectRef is empty" }
        switch input {
        case .caseOpened(let event):
            if event.areaCode.isEmpty { return "areaCode is empty" }
            if let age = event.ageYears, !(0...130).contains(age) { return "ageYears must be 0-130" }
        case .contactIdentified(let event):
            if event.areaCode.isEmpty { return "areaCode is empty" }
        case .assessment(let event):
            if let age = event.ageYears, !(0...130).contains(age) { return "ageYears must be 0-130" }
        default: break
        }
        return nil
    }
}
