import FangyiEvents
import FangyiKafka
import FangyiService
import FangyiTesting
import FangyiTracing
import Foundation
import Logging
import PostgresNIO

// The tracing worker's hot paths against plain SQL doing the bare minimum of the same work,
// on the same PostgreSQL, in one run. Events go through the real EventProcessor transaction
// (inbox, TracingHandler, outbox) via EventProcessor.apply; Kafka consumption and the relay's
// send are not timed (FangyiKafka has its own benchmark).
//
// Usage: fangyi-tracing-bench [check-ins] [mass-test results] [positives]
//   check-ins: stored before the lookups (default 1,000,000 over 14 days, 20,000 venues, 200,000 people)
//   results:   the mass-testing round (default 1,551,000, one positive in 10,000)
//   positives: single positives timed one at a time (default 300)
// DATABASE_URL picks the server (default the private cluster of `make pg-start`); the bench
// works in a schema of its own and drops it at the end.

func rate(_ count: Int, _ elapsed: Double) -> String { perSecond(Double(count) / elapsed) }

let arguments = Array(CommandLine.arguments.dropFirst())
let checkInCount = arguments.first.flatMap(Int.init) ?? 1_000_000
let resultCount = arguments.dropFirst().first.flatMap(Int.init) ?? 1_551_000
let positiveCount = arguments.dropFirst(2).first.flatMap(Int.init) ?? 300
let people = 200_000
let venues = 20_000
let batchSize = 2000
let area = "371502"
let now = Date()
let clock = ContinuousClock()

let logger: Logger = {
    var logger = Logger(label: "fangyi.tracing-bench")
    logger.logLevel = .warning
    return logger
}()

let kinds: [VenueKind] = [.restaurant, .retail, .market, .workplace, .entertainment, .transport, .restaurant, .retail]

/// The records as the processor receives them from Kafka.
func records<E: KeyedEvent>(_ events: [E], run: String) throws -> [KafkaMessage] {
    try events.enumerated().map { index, event in
        try EventRecord.consumed(event, id: EventID.derive(["bench", run, String(index)]), time: now, offset: Int64(index),
                                 source: "fangyi/bench")
    }
}

/// What the processor does with consumed batches, timed with it: read each record's
/// envelope and decode its payload (the next batch while the current one is in the
/// database), then apply each batch in one transaction.
func consume(_ processor: EventProcessor, _ batches: [[KafkaMessage]]) async throws {
    try await processor.replay(batches)
}

func consume(_ processor: EventProcessor, _ batch: [KafkaMessage]) async throws {
    try await processor.replay([batch])
}

/// Records, then consumed.
func consume<E: KeyedEvent>(_ processor: EventProcessor, _ events: [E], run: String) async throws {
    try await consume(processor, try records(events, run: run))
}

func positive(_ ref: String, id: String) -> LabResultRecorded {
    LabResultRecorded(
        resultId: "pos-\(id)", labId: "lab-bench", specimenId: "sp-pos-\(id)", version: 1, status: .final, subjectRef: ref,
        areaCode: area, testKind: .pcr, specimenType: .oropharyngealSwab,
        targets: [TargetResult(target: .orf1ab, ct: 24), TargetResult(target: .n, ct: 25)], interpretation: .positive,
        isScreeningOnly: false, collectedAt: now.addingTimeInterval(-7200), reportedAt: now.addingTimeInterval(-600))
}

let cluster = try MockCluster(brokers: 1, logger: logger)
let kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, clientID: "fangyi-tracing-bench", statisticsInterval: nil)
let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: logger)

try await withTestDatabase(logger: logger) { database in
    try await Migrator.migrate(EventProcessor.migrations + TracingMigrations.all, database: database, logger: logger)
    let handler = TracingHandler(policy: .default, partitions: CheckInPartitions(database: database), metrics: TracingMetrics(), logger: logger)
    let processor = EventProcessor(
        configuration: EventProcessorConfiguration(groupID: "fangyi-tracing-bench", topics: TracingHandler.topics,
                                                   inboxExemptTopics: [TopicCatalog.checkIns.name], isolation: .serializable),
        consumer: KafkaConsumerConfiguration(kafka: kafka, groupID: "fangyi-tracing-bench"), producer: producer,
        database: database, relay: nil, handler: handler, logger: logger)
    say("fangyi-tracing-bench: \(checkInCount) check-ins, \(resultCount) mass-test results, \(positiveCount) timed positives; batches of \(batchSize)")

    // MARK: Check-in ingest

    var random = SplitMix64(seed: 20_220_314)
    let span = 14.0 * 86_400 - 3 * 3600
    let checkIns = (0..<checkInCount).map { index in
        let venue = random.below(venues)
        let offset = Double(random.below(Int(span)))
        return CheckIn(venueId: "v\(venue)", venueKind: kinds[venue % kinds.count], areaCode: area, subjectRef: "p\(index % people)",
                       source: .placeCode, checkedInAt: now.addingTimeInterval(-span - 3600 + offset), leftAt: nil)
    }
    let batches = try stride(from: 0, to: checkIns.count, by: batchSize).map {
        try records(Array(checkIns[$0..<min($0 + batchSize, checkIns.count)]), run: "checkin-\($0)")
    }
    // Baseline: the same rows into a plain table with the same two indexes, one unnest INSERT per batch.
    try await database.withConnection { connection in
        try await connection.query("""
            CREATE TABLE baseline_checkins (venue_id text NOT NULL, venue_kind text NOT NULL, area_code text NOT NULL,
              subject_ref text NOT NULL, checked_in_at timestamptz NOT NULL, ends_at timestamptz NOT NULL)
            """, logger: logger)
        try await connection.query("CREATE UNIQUE INDEX ON baseline_checkins (venue_id, checked_in_at, subject_ref)", logger: logger)
        try await connection.query("CREATE INDEX ON baseline_checkins (subject_ref, checked_in_at)", logger: logger)
    }
    let baselineStart = clock.now
    for start in stride(from: 0, to: checkIns.count, by: batchSize) {
        let rows = checkIns[start..<min(start + batchSize, checkIns.count)]
        try await database.withTransaction { connection in
            try await connection.query("""
                INSERT INTO baseline_checkins
                SELECT * FROM unnest(\(rows.map(\.venueId))::text[], \(rows.map(\.venueKind.rawValue))::text[], \(rows.map(\.areaCode))::text[],
                                     \(rows.map(\.subjectRef))::text[], \(rows.map(\.checkedInAt))::timestamptz[],
                                     \(rows.map { $0.checkedInAt.addingTimeInterval(5400) })::timestamptz[])
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }
    let baselineIngest = seconds(clock.now - baselineStart)
    let ingestStart = clock.now
    try await consume(processor, batches)
    let ingest = seconds(clock.now - ingestStart)
    let stored = try await database.scalar("SELECT count(*)::int8 FROM checkins")
    say("check-in ingest: \(stored) stored in \(String(format: "%.1f", ingest)) s = \(rate(checkInCount, ingest)); "
        + "baseline plain INSERT \(rate(checkInCount, baselineIngest)); ratio \(String(format: "%.2f", baselineIngest / ingest)) (target ≥ 50000/s)")
    try await database.withConnection { connection in
        try await connection.query("ANALYZE", logger: logger)
    }

    // MARK: One positive → its contacts

    var picks = SplitMix64(seed: 7)
    var persons: [String] = []
    var seen = Set<String>()
    while persons.count < positiveCount {
        let ref = "p\(picks.below(people))"
        if seen.insert(ref).inserted { persons.append(ref) }
    }
    var latencies: [Double] = []
    var contactsFound: [Int] = []
    for (index, ref) in persons.enumerated() {
        let events = try records([positive(ref, id: "\(index)")], run: "positive-\(index)")
        let before = try await database.scalar("SELECT count(*)::int8 FROM contacts")
        let start = clock.now
        try await consume(processor, events)
        latencies.append(seconds(clock.now - start))
        contactsFound.append(try await database.scalar("SELECT count(*)::int8 FROM contacts") - before)
    }
    // Baseline: one plain self-join for the same person's co-present visitors in the same window.
    var baselineLatencies: [Double] = []
    let windowStart = now.addingTimeInterval(-7200 - 4 * 86_400)
    for ref in persons {
        let start = clock.now
        _ = try await database.scalar("""
            SELECT count(DISTINCT o.subject_ref)::int8 FROM checkins m JOIN checkins o
              ON o.venue_id = m.venue_id AND o.checked_in_at < m.ends_at AND o.ends_at > m.checked_in_at
             AND o.checked_in_at > m.checked_in_at - interval '24 hours' AND o.subject_ref <> m.subject_ref
            WHERE m.subject_ref = \(ref) AND m.checked_in_at < \(now) AND m.ends_at > \(windowStart)
            """)
        baselineLatencies.append(seconds(clock.now - start))
    }
    let (p50, p99) = (percentile(latencies, 0.5), percentile(latencies, 0.99))
    let (b50, b99) = (percentile(baselineLatencies, 0.5), percentile(baselineLatencies, 0.99))
    say("positive → contacts committed to the outbox (close, companion and their secondaries, one transaction): "
        + "p50 \(ms(p50)), p99 \(ms(p99)), max \(ms(latencies.max() ?? 0)); mean \(String(format: "%.1f", Double(contactsFound.reduce(0, +)) / Double(max(1, contactsFound.count)))) contacts, "
        + "max \(contactsFound.max() ?? 0); baseline plain close-contact SELECT p50 \(ms(b50)), p99 \(ms(b99)); p99 ratio \(String(format: "%.1f", p99 / max(b99, 1e-9)))× (target p99 < 200 ms)")

    // MARK: 100 close contacts → their secondaries

    var guests = SplitMix64(seed: 100)
    var guestRefs: [String] = []
    var guestSeen = Set<String>()
    while guestRefs.count < 100 {
        let ref = "p\(guests.below(people))"
        if !seen.contains(ref), guestSeen.insert(ref).inserted { guestRefs.append(ref) }
    }
    let banquet = now.addingTimeInterval(-30 * 3600)
    let banquetCheckIns = (["banquet-host"] + guestRefs).map {
        CheckIn(venueId: "banquet", venueKind: .restaurant, areaCode: area, subjectRef: $0, source: .placeCode,
                checkedInAt: banquet, leftAt: banquet.addingTimeInterval(3 * 3600))
    }
    try await consume(processor, banquetCheckIns, run: "banquet")
    let beforeSecondary = try await database.scalar("SELECT count(*)::int8 FROM contacts WHERE tier = 'secondary'")
    let beforeAll = try await database.scalar("SELECT count(*)::int8 FROM contacts")
    let banquetStart = clock.now
    try await consume(processor, [positive("banquet-host", id: "banquet")], run: "banquet-positive")
    let banquetTime = seconds(clock.now - banquetStart)
    let secondaries = try await database.scalar("SELECT count(*)::int8 FROM contacts WHERE tier = 'secondary'") - beforeSecondary
    let banquetContacts = try await database.scalar("SELECT count(*)::int8 FROM contacts") - beforeAll
    let secondaryBaselineStart = clock.now
    _ = try await database.scalar("""
        SELECT count(DISTINCT o.subject_ref)::int8 FROM checkins m JOIN checkins o
          ON o.venue_id = m.venue_id AND o.checked_in_at < m.ends_at AND o.ends_at > m.checked_in_at
         AND o.checked_in_at > m.checked_in_at - interval '24 hours' AND o.subject_ref <> m.subject_ref
        WHERE m.subject_ref = ANY(\(guestRefs)) AND m.checked_in_at < \(now) AND m.ends_at > \(banquet)
        """)
    let secondaryBaseline = seconds(clock.now - secondaryBaselineStart)
    say("100 close contacts → secondaries: one positive, \(banquetContacts) new contacts (\(secondaries) secondary) in \(ms(banquetTime)); "
        + "baseline plain SELECT of their co-present visitors \(ms(secondaryBaseline)); ratio \(String(format: "%.1f", banquetTime / max(secondaryBaseline, 1e-9)))× (target < 1 s)")

    // MARK: Mass testing

    var outcomes = SplitMix64(seed: 1_551)
    var resultBatches: [[KafkaMessage]] = []
    var positives = 0
    for start in stride(from: 0, to: resultCount, by: batchSize) {
        let results = (start..<min(start + batchSize, resultCount)).map { index in
            let isPositive = outcomes.below(10_000) == 0
            if isPositive { positives += 1 }
            let ct: Double? = isPositive ? 26 : nil
            return LabResultRecorded(
                resultId: "mass-\(index)", labId: "lab-bench", specimenId: "sp-mass-\(index)", version: 1, status: .final,
                subjectRef: isPositive ? "p\(index % people)" : "m\(index)", areaCode: area, testKind: .pcr, specimenType: .oropharyngealSwab,
                targets: [TargetResult(target: .orf1ab, ct: ct), TargetResult(target: .n, ct: ct)],
                interpretation: isPositive ? .positive : .negative, isScreeningOnly: false,
                collectedAt: now.addingTimeInterval(-5 * 3600), reportedAt: now.addingTimeInterval(-3600))
        }
        resultBatches.append(try records(results, run: "mass-\(start)"))
    }
    // Baseline: the inbox write alone (the least an exactly-once consumer does per event).
    try await database.withConnection { connection in
        try await connection.query("CREATE TABLE baseline_inbox (event_id text PRIMARY KEY, processed_at timestamptz NOT NULL DEFAULT now())", logger: logger)
    }
    let inboxStart = clock.now
    for batch in resultBatches {
        let ids = try batch.map { try InboundEvent(message: $0).id }
        try await database.withTransaction { connection in
            try await connection.query("INSERT INTO baseline_inbox (event_id) SELECT unnest(\(ids)::text[]) ON CONFLICT DO NOTHING", logger: logger)
        }
    }
    let inboxOnly = seconds(clock.now - inboxStart)
    // Where the time goes: the handler's decoding of every envelope and payload, alone.
    let decodeStart = clock.now
    var decodedCount = 0
    for batch in resultBatches {
        let events = try await batch.concurrentMap(InboundEvent.init(message:)).map { try $0.get() }
        decodedCount += await events.decodeAll(LabResultRecorded.self).count { (try? $0.get()) != nil }
    }
    let decodeOnly = seconds(clock.now - decodeStart)
    let massStart = clock.now
    try await consume(processor, resultBatches)
    let mass = seconds(clock.now - massStart)
    let cases = try await database.scalar("SELECT count(*)::int8 FROM cases")
    say("mass testing: \(resultCount) results (\(positives) positive) in \(String(format: "%.1f", mass)) s = \(rate(resultCount, mass)); "
        + "baseline inbox-only INSERT \(rate(resultCount, inboxOnly)); ratio \(String(format: "%.2f", inboxOnly / mass)); \(cases) cases open (target ≥ 30000/s)")
    say("  reading the envelopes and decoding \(decodedCount) payloads alone, on every core (the run overlaps it with the database work): \(String(format: "%.1f", decodeOnly * 1e6 / Double(max(1, decodedCount)))) µs per result")
}
