@testable import FangyiAllocator
import FangyiEvents
import FangyiKafka
@testable import FangyiService
import FangyiTesting
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// An allocator in-process on a fresh schema: the real event processor (inbox, handler,
/// outbox) fed consumed records directly (`apply`), the real schedule and inventory admin,
/// and a clock the test moves. No broker is needed to decide; the outbox is read back to
/// see what would be published.
struct AllocatorHarness: Sendable {
    let database: Database
    let processor: EventProcessor
    let admin: InventoryAdmin
    let schedule: AllocatorSchedule
    let policy: AllocationPolicy
    let clock: ManualClock
    let logger: Logger

    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func run(policy: AllocationPolicy = .default, seed: Inventory,
                    _ body: @Sendable (AllocatorHarness) async throws -> Void) async throws {
        var logger = Logger(label: "fangyi.allocator.test")
        logger.logLevel = .warning
        let cluster = try MockCluster(brokers: 1, logger: logger)
        let kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, clientID: "allocator-test", statisticsInterval: nil)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: logger)
        try await withTestDatabase(logger: logger) { database in
            try await Migrator.migrate(EventProcessor.migrations + AllocatorMigrations.all, database: database, logger: logger)
            let clock = ManualClock(start)
            let metrics = AllocatorMetrics()
            let handler = AllocatorHandler(policy: policy, metrics: metrics, logger: logger, clock: { clock.now })
            let processor = EventProcessor(
                configuration: EventProcessorConfiguration(groupID: "allocator", topics: AllocatorHandler.topics,
                                                           inboxExemptTopics: AllocatorHandler.inboxExemptTopics),
                consumer: KafkaConsumerConfiguration(kafka: kafka, groupID: "allocator"), producer: producer,
                database: database, relay: nil, handler: handler, logger: logger)
            let admin = InventoryAdmin(database: database, relay: nil, policy: policy, metrics: metrics, logger: logger)
            try await admin.seed(seed)
            let schedule = AllocatorSchedule(database: database, relay: nil, policy: policy, interval: .seconds(60),
                                             metrics: metrics, logger: logger)
            try await body(AllocatorHarness(database: database, processor: processor, admin: admin, schedule: schedule,
                                            policy: policy, clock: clock, logger: logger))
        }
    }

    /// Applies events as one consumed batch (ids unique per call site and clock).
    func apply(_ events: [any KeyedEvent], label: String = #function, line: Int = #line) async throws {
        try await processor.apply(events, idParts: ["allocator-test", label, String(line), "\(clock.now)"], time: clock.now)
    }

    /// Every event of type `E` written to the outbox, oldest first.
    func published<E: FangyiEvent>(_ type: E.Type) async throws -> [E] {
        try await database.outboxEvents(type)
    }

    /// Dead-letter records written to the outbox.
    func deadLetters() async throws -> Int {
        try await database.scalar("SELECT count(*)::int8 FROM fangyi_outbox WHERE event_id = ''")
    }

    /// Active assignments: subject ref → (purpose, facility, unit, unit type).
    func active() async throws -> [String: [(purpose: String, facility: String, unit: String, type: String)]] {
        try await database.withConnection { connection in
            let rows = try await connection.query("""
                SELECT subject_ref, purpose, facility_id, unit_id, unit_type FROM assignments WHERE released_at IS NULL
                """, logger: logger)
            var result: [String: [(String, String, String, String)]] = [:]
            for try await (ref, purpose, facility, unit, type) in rows.decode((String, String, String, String, String).self) {
                result[ref, default: []].append((purpose, facility, unit, type))
            }
            return result
        }
    }

    /// The waitlist's subject refs in priority order for a facility kind.
    func waitlist(_ kind: FacilityKind) async throws -> [String] {
        try await database.withConnection { connection in
            let rows = try await connection.query("""
                SELECT subject_ref FROM waitlist WHERE facility_kind = \(kind.rawValue)
                ORDER BY severity_rank DESC, vulnerable DESC, waiting_since, subject_ref
                """, logger: logger)
            var refs: [String] = []
            for try await ref in rows.decode(String.self) { refs.append(ref) }
            return refs
        }
    }

    /// Violations of the booking invariants over the final state (0 when the books are straight).
    func doubleBookings() async throws -> Int {
        try await AllocatorAudit.check(database).violations
    }
}

/// Builders for the inputs the allocator consumes.
enum Inputs {
    static func closeContact(_ ref: String, area: String, exposedAt: Date, tier: ContactTier = .close, source: String = "case-1",
                             identifiedAt: Date? = nil) -> ContactIdentified {
        ContactIdentified(
            contactId: "contact-\(ref)", subjectRef: ref, tier: tier, sourceCaseId: source, via: .venue, venueId: "venue-1",
            areaCode: area, exposureFrom: exposedAt.addingTimeInterval(-3600), exposureUntil: exposedAt, lastExposureAt: exposedAt,
            followUpDeadline: exposedAt.addingTimeInterval(86_400), identifiedAt: identifiedAt ?? exposedAt.addingTimeInterval(3600))
    }

    static func caseOpened(_ ref: String, area: String, at: Date, severity: CaseSeverity = .mild, age: Int? = nil,
                           classification: CaseClassification = .confirmed) -> CaseOpened {
        CaseOpened(caseId: "case-\(ref)", subjectRef: ref, classification: classification, severity: severity, areaCode: area,
                   infectiousFrom: at.addingTimeInterval(-4 * 86_400), infectiousUntil: at, positiveResultId: "pos-\(ref)",
                   openedAt: at, ageYears: age)
    }

    static func assessment(_ ref: String, at: Date, severity: ClinicalSeverity, age: Int? = nil, needsCare: Bool = false,
                           discharged: Bool = false) -> ClinicalAssessment {
        ClinicalAssessment(assessmentId: "assess-\(ref)-\(at.timeIntervalSince1970)", subjectRef: ref, facilityId: nil,
                           assessedAt: at, symptomatic: severity != .asymptomatic, symptomOnset: nil, severity: severity,
                           discharged: discharged, needsCare: needsCare, ageYears: age)
    }

    static func negative(_ ref: String, area: String, collectedAt: Date) -> LabResultRecorded {
        LabResultRecorded(
            resultId: "neg-\(ref)-\(collectedAt.timeIntervalSince1970)", labId: "lab-1", specimenId: "sp-\(ref)-\(collectedAt.timeIntervalSince1970)",
            version: 1, status: .final, subjectRef: ref, areaCode: area, testKind: .pcr, specimenType: .oropharyngealSwab,
            targets: [TargetResult(target: .orf1ab, ct: nil), TargetResult(target: .n, ct: nil)], interpretation: .negative,
            isScreeningOnly: false, collectedAt: collectedAt, reportedAt: collectedAt.addingTimeInterval(3600))
    }

    static func recovered(_ ref: String, area: String, at: Date) -> CaseRecovered {
        CaseRecovered(caseId: "case-\(ref)", subjectRef: ref, areaCode: area, releaseResultIds: ["r1", "r2"], recoveredAt: at)
    }
}
