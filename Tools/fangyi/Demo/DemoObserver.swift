import FangyiEvents
import FangyiKafka
import Foundation
import ServiceLifecycle
import Synchronization

/// Follows the suite's outputs on Kafka for the report: for every positive result, when its
/// case's contacts became known, when the person was assigned a unit, and when the person or
/// one of their contacts was first sent a message (each by the Kafka timestamps of the records,
/// i.e. when the services published them). Also counts contacts per case and public alerts
/// naming a person (there must be none).
///
/// Concurrency: `Sendable`; what it saw is behind a mutex.
final class DemoObserver: Service, Sendable {
    static let topics = [TopicCatalog.labResults, TopicCatalog.tracingCases, TopicCatalog.tracingContacts,
                         TopicCatalog.resourceAllocations, TopicCatalog.alerts].map(\.name)

    let consumer: KafkaConsumer
    private let seen = Mutex(Seen())

    /// Times in milliseconds since 1970 (Kafka timestamps).
    struct Seen: Sendable {
        var positiveAt: [String: Int64] = [:]
        var caseSubject: [String: String] = [:]
        var contactsKnownAt: [String: Int64] = [:]
        var contactsOfCase: [String: Set<String>] = [:]
        var assignedAt: [String: Int64] = [:]
        var personMessageAt: [String: Int64] = [:]
        var alertsByAudience: [String: Int] = [:]
        var publicAlertsNamingAPerson = 0
        var publicAlertTexts: [String] = []
        var labResultIDs = Set<String>()
        var closeContacts = Set<String>()
        var allocated = Set<String>()
        var undecodable = 0
    }

    /// The latencies from a positive result, in seconds, and the contact counts.
    struct Findings: Sendable {
        var contactsKnown: [Double] = []
        var unitAssigned: [Double] = []
        var personNotified: [Double] = []
        var contactsPerCase: [Int] = []
        var positives = 0
        var alertsByAudience: [String: Int] = [:]
        var publicAlertsNamingAPerson = 0
        var publicAlertTexts: [String] = []
        var labResults = 0
        var positivesWithoutCase = 0
        var closeContacts = 0
        var closeContactsWithoutAllocation = 0
        var undecodable = 0
    }

    init(consumer: KafkaConsumer) {
        self.consumer = consumer
    }

    func run() async throws {
        try await consuming(consumer) {
            while let batch = try await self.consumer.nextBatch() {
                for message in batch { self.observe(message) }
            }
        }
    }

    private func observe(_ message: KafkaMessage) {
        guard let value = message.value, let time = message.timestampMilliseconds,
              let envelope = try? EventEnvelope(headers: message.headers.map { ($0.key, $0.value) }, value: value) else {
            seen.withLock { $0.undecodable += 1 }
            return
        }
        do {
            switch envelope.type {
            case LabResultRecorded.eventType:
                let result = try envelope.decode(LabResultRecorded.self)
                seen.withLock { _ = $0.labResultIDs.insert(envelope.id) }
                if result.interpretation == .positive { seen.withLock { if $0.positiveAt[result.subjectRef] == nil { $0.positiveAt[result.subjectRef] = time } } }
            case CaseOpened.eventType:
                let opened = try envelope.decode(CaseOpened.self)
                seen.withLock { $0.caseSubject[opened.caseId] = opened.subjectRef }
            case ContactIdentified.eventType:
                let contact = try envelope.decode(ContactIdentified.self)
                seen.withLock {
                    if $0.contactsKnownAt[contact.sourceCaseId] == nil { $0.contactsKnownAt[contact.sourceCaseId] = time }
                    $0.contactsOfCase[contact.sourceCaseId, default: []].insert(contact.subjectRef)
                    if contact.tier == .close { $0.closeContacts.insert(contact.subjectRef) }
                }
            case ResourceAssigned.eventType:
                let assigned = try envelope.decode(ResourceAssigned.self)
                seen.withLock {
                    if $0.assignedAt[assigned.subjectRef] == nil { $0.assignedAt[assigned.subjectRef] = time }
                    $0.allocated.insert(assigned.subjectRef)
                }
            case AssignmentWaitlisted.eventType:
                let waitlisted = try envelope.decode(AssignmentWaitlisted.self)
                seen.withLock { _ = $0.allocated.insert(waitlisted.subjectRef) }
            case Alert.eventType:
                let alert = try envelope.decode(Alert.self)
                seen.withLock {
                    $0.alertsByAudience[alert.audience.rawValue, default: 0] += 1
                    if alert.audience == .person, let subject = alert.subjectRef, $0.personMessageAt[subject] == nil { $0.personMessageAt[subject] = time }
                    if alert.audience == .public {
                        if alert.subjectRef != nil || alert.refs.contains(where: { $0.hasPrefix("sr_") }) { $0.publicAlertsNamingAPerson += 1 }
                        $0.publicAlertTexts.append([alert.title.zh, alert.title.en, alert.body.zh, alert.body.en].joined(separator: "\n"))
                    }
                }
            default:
                break
            }
        } catch {
            seen.withLock { $0.undecodable += 1 }
        }
    }

    /// What was seen so far, as latencies from each positive result.
    var findings: Findings {
        seen.withLock { seen in
            var findings = Findings()
            findings.positives = seen.positiveAt.count
            findings.alertsByAudience = seen.alertsByAudience
            findings.publicAlertsNamingAPerson = seen.publicAlertsNamingAPerson
            findings.undecodable = seen.undecodable
            findings.publicAlertTexts = seen.publicAlertTexts
            findings.labResults = seen.labResultIDs.count
            let caseSubjects = Set(seen.caseSubject.values)
            findings.positivesWithoutCase = seen.positiveAt.keys.filter { !caseSubjects.contains($0) }.count
            findings.closeContacts = seen.closeContacts.count
            findings.closeContactsWithoutAllocation = seen.closeContacts.subtracting(seen.allocated).count
            var caseOf: [String: String] = [:]
            for (caseID, subject) in seen.caseSubject { caseOf[subject] = caseID }
            for (subject, positive) in seen.positiveAt {
                func since(_ time: Int64?) -> Double? { time.map { Double(max(0, $0 - positive)) / 1000 } }
                let caseID = caseOf[subject]
                if let known = since(caseID.flatMap { seen.contactsKnownAt[$0] }) { findings.contactsKnown.append(known) }
                if let assigned = since(seen.assignedAt[subject]) { findings.unitAssigned.append(assigned) }
                let people = [subject] + Array(caseID.flatMap { seen.contactsOfCase[$0] } ?? [])
                if let notified = since(people.compactMap { seen.personMessageAt[$0] }.filter { $0 >= positive }.min()) {
                    findings.personNotified.append(notified)
                }
            }
            findings.contactsPerCase = seen.caseSubject.keys.map { seen.contactsOfCase[$0]?.count ?? 0 }.sorted()
            return findings
        }
    }
}
