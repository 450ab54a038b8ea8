import FangyiAllocator
import FangyiEvents
import FangyiKafka
import FangyiService
import FangyiTesting
import Foundation
import Logging
import PostgresNIO

// The resource allocator's consume path against plain SQL doing the bare minimum of the same
// writes, on the same PostgreSQL, in one run. Close contacts go through the real EventProcessor
// transaction (envelope reading, payload decoding, inbox, AllocatorHandler, outbox, commit) via
// EventProcessor.replay, with the processor built as AllocatorMain builds it; Kafka fetch and the
// relay's send are not timed (FangyiKafka has its own benchmark).
//
// Phases, each on a fresh schema seeded through InventoryAdmin.seed:
//   throughput: ALLOCATOR_BENCH_CONTACTS close contacts in batches of ALLOCATOR_BATCH_SIZE against
//               ALLOCATOR_BENCH_ROOMS single rooms (every contact gets a room)
//   latency:    batches of the sizes in ALLOCATOR_BENCH_LATENCY, each timed from being handed to
//               the processor until its transaction committed (same inventory as throughput)
//   surge:      ALLOCATOR_BENCH_SURGE_CONTACTS contacts for ALLOCATOR_BENCH_SURGE_ROOMS rooms: the
//               rooms fill, then everyone else is waitlisted
// Environment (defaults in brackets): ALLOCATOR_BENCH_CONTACTS [50000], ALLOCATOR_BATCH_SIZE [500],
// ALLOCATOR_BENCH_ROOMS [60000], ALLOCATOR_BENCH_SITES [120], ALLOCATOR_BENCH_AREAS [12],
// ALLOCATOR_BENCH_LATENCY [50x100,500x20] (size x batches, comma-separated),
// ALLOCATOR_BENCH_SURGE_CONTACTS [20000], ALLOCATOR_BENCH_SURGE_ROOMS [5000], ALLOCATOR_BENCH_SURGE_SITES [12].
// DATABASE_URL picks the server (default the private cluster of `make pg-start`); every phase
// works in a schema of its own and drops it at the end.


// MARK: Settings

/// The sizes of a run, from the environment (see the header).
struct Settings: Sendable {
    var contacts = 50_000
    var batchSize = 500
    var rooms = 60_000
    var sites = 120
    var areas = 12
    var latency: [(size: Int, batches: Int)] = [(50, 100), (500, 20)]
    var surgeContacts = 20_000
    var surgeRooms = 5_000
    var surgeSites = 12

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        let reader = BenchEnvironment(environment)
        var settings = Settings()
        settings.contacts = try reader.int("ALLOCATOR_BENCH_CONTACTS", settings.contacts, 1...10_000_000)
        settings.batchSize = try reader.int("ALLOCATOR_BATCH_SIZE", settings.batchSize, 1...10_000)
        settings.rooms = try reader.int("ALLOCATOR_BENCH_ROOMS", settings.rooms, 1...10_000_000)
        settings.sites = try reader.int("ALLOCATOR_BENCH_SITES", settings.sites, 1...10_000)
        settings.areas = try reader.int("ALLOCATOR_BENCH_AREAS", settings.areas, 1...99)
        settings.surgeContacts = try reader.int("ALLOCATOR_BENCH_SURGE_CONTACTS", settings.surgeContacts, 0...10_000_000)
        settings.surgeRooms = try reader.int("ALLOCATOR_BENCH_SURGE_ROOMS", settings.surgeRooms, 1...10_000_000)
        settings.surgeSites = try reader.int("ALLOCATOR_BENCH_SURGE_SITES", settings.surgeSites, 1...10_000)
        settings.latency = try reader.batchPlan("ALLOCATOR_BENCH_LATENCY", settings.latency)
        for (name, sites, rooms) in [("", settings.sites, settings.rooms), ("SURGE_", settings.surgeSites, settings.surgeRooms)]
            where sites > rooms || rooms / sites > 100_000 {
            throw BenchFailure(code: "bench.invalid_setting",
                               message: "ALLOCATOR_BENCH_\(name)ROOMS / ALLOCATOR_BENCH_\(name)SITES must give 1-100000 rooms per site")
        }
        let latencyContacts = settings.latency.reduce(0) { $0 + $1.size * $1.batches }
        if settings.contacts > settings.rooms || latencyContacts > settings.rooms {
            throw BenchFailure(code: "bench.invalid_setting",
                               message: "throughput (\(settings.contacts)) and latency (\(latencyContacts)) contacts must each fit ALLOCATOR_BENCH_ROOMS (\(settings.rooms)): those phases measure assignment, the surge measures waitlisting")
        }
        return settings
    }
}

if CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h") {
    say("fangyi-allocator-bench: allocator decisions (close contact → room or waitlist place) against the bare SQL; sizes from the environment:")
    say("  ALLOCATOR_BENCH_CONTACTS ALLOCATOR_BATCH_SIZE ALLOCATOR_BENCH_ROOMS ALLOCATOR_BENCH_SITES ALLOCATOR_BENCH_AREAS")
    say("  ALLOCATOR_BENCH_LATENCY (e.g. 50x100,500x20) ALLOCATOR_BENCH_SURGE_CONTACTS ALLOCATOR_BENCH_SURGE_ROOMS ALLOCATOR_BENCH_SURGE_SITES")
    exit(0)
}
let settings: Settings
do {
    settings = try Settings.fromEnvironment()
} catch {
    FileHandle.standardError.write(Data("fangyi-allocator-bench: \(error)\n".utf8))
    exit(64)  // EX_USAGE
}

let now = Date()
let clock = ContinuousClock()
let policy = AllocationPolicy.default
let logger: Logger = {
    var logger = Logger(label: "fangyi.allocator-bench")
    logger.logLevel = .warning
    return logger
}()

// MARK: Inventory and inputs

/// `areas` areas on a ring, each also bordering the area three along (so the nearest free room
/// can be 1-3 hops away), and `sites` quarantine sites dealt round the areas sharing `rooms`
/// single rooms.
func inventory(areas: Int, sites: Int, rooms: Int) -> Inventory {
    let codes = (0..<areas).map { String(format: "3701%02d", $0 + 1) }
    let areaSpecs = codes.indices.map { index in
        let neighbours = Set([codes[(index + 1) % areas], codes[(index + areas - 1) % areas], codes[(index + 3) % areas]])
        return AreaSpec(code: codes[index], name: "area \(index + 1)", adjacent: neighbours.subtracting([codes[index]]).sorted())
    }
    let facilities = (0..<sites).map { site in
        let area = codes[site % areas]
        let count = rooms / sites + (site < rooms % sites ? 1 : 0)
        return FacilitySpec(id: "qs-\(area)-\(String(format: "%03d", site / areas))", name: "Quarantine site \(site + 1)",
                            kind: .quarantineSite, areaCode: area, units: [.quarantineSingleRoom: count])
    }
    return Inventory(areas: areaSpecs, facilities: facilities)
}

/// One close contact as the processor receives it, and the rows the baseline writes for it
/// (built here, outside any timing: the baseline times SQL only).
struct Input: Sendable {
    let record: KafkaMessage
    let subjectRef: String
    let areaCode: String
    let assignmentId: String
    let reason: String
    let outbox: (id: String, topic: String, key: String, value: ByteBuffer, headers: ByteBuffer)
}

/// The outbox's `headers` layout (FangyiService's HeaderCodec, which is internal): a count, then
/// per header a length-prefixed key and a length-prefixed value; so baseline rows are as large.
func headerBytes(_ headers: [(key: String, value: [UInt8])]) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeInteger(UInt16(headers.count))
    for (key, value) in headers {
        buffer.writeInteger(UInt16(key.utf8.count))
        buffer.writeString(key)
        buffer.writeInteger(Int32(value.count))
        buffer.writeBytes(value)
    }
    return buffer
}

/// `count` close contacts of one exposure day, spread over the areas with a skew (the first area
/// has `areas` times the contacts of the last) so the busiest areas overflow into their neighbours.
func contacts(_ count: Int, run: String, areas: Int, seed: UInt64) throws -> [Input] {
    var random = SplitMix64(seed: seed)
    let weights = (0..<areas).map { areas - $0 }
    let total = weights.reduce(0, +)
    let end = now.addingTimeInterval(6 * 86_400)
    let reasonEnd = "until \(end.formatted(.iso8601.year().month().day())), then home health monitoring"
    return try (0..<count).map { index in
        var pick = random.below(total)
        var area = 0
        while pick >= weights[area] { pick -= weights[area]; area += 1 }
        let code = String(format: "3701%02d", area + 1)
        let ref = "\(run)-\(index)"
        let exposed = now.addingTimeInterval(-86_400 - Double(random.below(6 * 3600)))
        let contact = ContactIdentified(
            contactId: "contact-\(ref)", subjectRef: ref, tier: .close, sourceCaseId: "case-\(run)-\(index / 40)", via: .venue,
            venueId: "venue-\(index / 40)", areaCode: code, exposureFrom: exposed.addingTimeInterval(-3600), exposureUntil: exposed,
            lastExposureAt: exposed, followUpDeadline: exposed.addingTimeInterval(86_400), identifiedAt: exposed.addingTimeInterval(3600))
        let id = EventID.derive(["allocator-bench", run, String(index)])
        let record = try EventRecord.consumed(contact, id: id, time: now, offset: Int64(index), source: "fangyi/bench")
        let assignmentId = AllocatorIdentity.assignmentID(subjectRef: ref, purpose: .quarantine, cause: EventID.string(id))
        let reason = "close contact: centralized quarantine in a single room \(reasonEnd); Quarantine site 1 in the person's own area"
        let assigned = ResourceAssigned(
            assignmentId: assignmentId, subjectRef: ref, purpose: .quarantine, facilityId: "qs-\(code)-000", facilityKind: .quarantineSite,
            unitId: "qs-\(code)-000/room-00001", unitType: .quarantineSingleRoom, ventilator: false, assignedAt: now, expectedEnd: end,
            policyVersion: policy.version, reason: reason)
        let event = try OutboundEvent(assigned, id: EventID.derive(["bench-assigned", assignmentId]), source: "fangyi/allocator", time: now,
                                      cause: try InboundEvent(message: record))
        return Input(record: record, subjectRef: ref, areaCode: code, assignmentId: assignmentId, reason: reason,
                     outbox: (event.envelope.id, event.topic, event.key, ByteBuffer(bytes: event.envelope.data), headerBytes(event.envelope.headers())))
    }
}

func batches<T>(_ items: [T], of size: Int) -> [ArraySlice<T>] {
    stride(from: 0, to: items.count, by: size).map { items[$0..<min($0 + size, items.count)] }
}

// MARK: The allocator and the baseline

let cluster = try MockCluster(brokers: 1, logger: logger)
let kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, clientID: "fangyi-allocator-bench", statisticsInterval: nil)
let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: logger)

/// Runs `body` on a fresh schema with the allocator's tables seeded with `inventory` (through
/// InventoryAdmin, as `ALLOCATOR_SEED_FILE` is loaded), the baseline's copies of them, and a
/// processor built as AllocatorMain builds it (without relay: the outbox is not drained).
func withAllocator<R: Sendable>(_ inventory: Inventory, _ body: (Database, EventProcessor) async throws -> R) async throws -> R {
    try await withTestDatabase(logger: logger) { database in
        try await Migrator.migrate(EventProcessor.migrations + AllocatorMigrations.all, database: database, logger: logger)
        let metrics = AllocatorMetrics()
        let handler = AllocatorHandler(policy: policy, metrics: metrics, logger: logger)
        let processor = EventProcessor(
            configuration: EventProcessorConfiguration(
                groupID: AllocatorMain.group, topics: AllocatorHandler.topics, maxBatchSize: settings.batchSize,
                inboxExemptTopics: AllocatorHandler.inboxExemptTopics),
            consumer: KafkaConsumerConfiguration(kafka: kafka, groupID: AllocatorMain.group), producer: producer,
            database: database, relay: nil, handler: handler, logger: logger)
        try await InventoryAdmin(database: database, relay: nil, policy: policy, metrics: metrics, logger: logger).seed(inventory)
        // The baseline's tables: the allocator's units (as seeded), assignments and waitlist with
        // the same columns, constraints, indexes and unit foreign key, and an outbox like the runtime's.
        // Then statistics as a freshly seeded deployment has them (every room free); autovacuum may
        // re-analyze during a phase (after ~10% of the rooms changed), which changes some plans.
        try await database.withConnection { connection in
            for statement: PostgresQuery in [
                "CREATE TABLE baseline_units (LIKE units INCLUDING ALL)",
                "INSERT INTO baseline_units SELECT * FROM units",
                """
                CREATE TABLE baseline_assignments (LIKE assignments INCLUDING ALL,
                    FOREIGN KEY (facility_id, unit_id) REFERENCES baseline_units)
                """,
                "CREATE TABLE baseline_waitlist (LIKE waitlist INCLUDING ALL)",
                """
                CREATE TABLE baseline_outbox (id bigserial PRIMARY KEY, event_id text NOT NULL, topic text NOT NULL,
                    message_key text NOT NULL, message_value bytea NOT NULL, headers bytea NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz)
                """,
                "CREATE INDEX ON baseline_outbox (id) WHERE published_at IS NULL",
                "ANALYZE",
            ] {
                try await connection.query(statement, logger: logger)
            }
        }
        return try await body(database, processor)
    }
}

/// The baseline for one batch: one transaction doing the least SQL that assigns `inputs` rooms
/// and publishes it — lock up to N free rooms (`FOR UPDATE SKIP LOCKED LIMIT N`, any site: no
/// area matching), INSERT the assignments (unnest), UPDATE the rooms' occupant (unnest),
/// INSERT a waitlist row (unnest) for each input left without a room, and INSERT one
/// pre-encoded ResourceAssigned-sized outbox row per input (unnest). Not included, though the
/// allocator does them: the inbox, person state (insert, lock, read, save), reading what persons
/// hold and wait for, counting free rooms per site, waitlist positions, decision history and
/// capacity events and levels; nor building any JSON. Returns how many got a room.
func baseline(_ inputs: ArraySlice<Input>, on database: Database) async throws -> Int {
    let end = now.addingTimeInterval(6 * 86_400)
    return try await database.withTransaction(logger: logger) { connection in
        let rows = try await connection.query("""
            SELECT facility_id, unit_id FROM baseline_units
            WHERE unit_type = 'quarantineSingleRoom' AND occupant IS NULL AND status = 'inService'
            ORDER BY facility_id, unit_type, seq LIMIT \(inputs.count) FOR UPDATE SKIP LOCKED
            """, logger: logger)
        var units: [(facility: String, unit: String)] = []
        for try await row in rows.decode((String, String).self) { units.append(row) }
        let assigned = Array(inputs.prefix(units.count))
        let waiting = Array(inputs.dropFirst(units.count))
        if !assigned.isEmpty {
            try await connection.query("""
                INSERT INTO baseline_assignments (assignment_id, subject_ref, purpose, facility_id, facility_kind, unit_id, unit_type,
                                                  ventilator, area_code, assigned_at, expected_end, policy_version, reason)
                SELECT i, s, 'quarantine', f, 'quarantineSite', u, 'quarantineSingleRoom', false, a, \(now), \(end), \(policy.version), r
                FROM unnest(\(assigned.map(\.assignmentId))::text[], \(assigned.map(\.subjectRef))::text[], \(units.map(\.facility))::text[],
                            \(units.map(\.unit))::text[], \(assigned.map(\.areaCode))::text[], \(assigned.map(\.reason))::text[]) AS t(i, s, f, u, a, r)
                """, logger: logger)
            try await connection.query("""
                UPDATE baseline_units u SET occupant = t.i
                FROM unnest(\(units.map(\.facility))::text[], \(units.map(\.unit))::text[], \(assigned.map(\.assignmentId))::text[]) AS t(f, u, i)
                WHERE u.facility_id = t.f AND u.unit_id = t.u
                """, logger: logger)
        }
        if !waiting.isEmpty {
            let need = #"{"facilityKind":"quarantineSite","purpose":"quarantine","reason":"close contact","unitTypes":["quarantineSingleRoom"],"ventilator":false}"#
            try await connection.query("""
                INSERT INTO baseline_waitlist (assignment_id, subject_ref, purpose, facility_kind, unit_types, need, area_code, severity_rank,
                                               vulnerable, waiting_since, waitlisted_at)
                SELECT i, s, 'quarantine', 'quarantineSite', '{quarantineSingleRoom}', \(need)::jsonb, a, 0, false, \(now), \(now)
                FROM unnest(\(waiting.map(\.assignmentId))::text[], \(waiting.map(\.subjectRef))::text[], \(waiting.map(\.areaCode))::text[]) AS t(i, s, a)
                """, logger: logger)
        }
        try await connection.query("""
            INSERT INTO baseline_outbox (event_id, topic, message_key, message_value, headers)
            SELECT * FROM unnest(\(inputs.map(\.outbox.id))::text[], \(inputs.map(\.outbox.topic))::text[], \(inputs.map(\.outbox.key))::text[],
                                 \(inputs.map(\.outbox.value))::bytea[], \(inputs.map(\.outbox.headers))::bytea[])
            """, logger: logger)
        return units.count
    }
}

// MARK: Checks

/// What the allocator's tables hold after a phase.
struct Books: Sendable, CustomStringConvertible {
    var assigned = 0, waitlisted = 0, assignedEvents = 0, waitlistedEvents = 0, deadLetters = 0, persons = 0
    /// AllocatorAudit's findings: units or persons held twice, occupants and assignments disagreeing.
    var violations = 0
    var description: String {
        "\(assigned) assigned (\(assignedEvents) ResourceAssigned in the outbox), \(waitlisted) waitlisted (\(waitlistedEvents) AssignmentWaitlisted), "
            + "\(persons) persons, \(deadLetters) dead letters, \(violations) audit violations (double bookings and the like)"
    }
}

func books(_ database: Database) async throws -> Books {
    // An outbox row's type is its ce_type header; neither type name occurs in any other header.
    func events(_ type: String) -> PostgresQuery {
        "SELECT count(*)::int8 FROM fangyi_outbox WHERE position(convert_to(\(type), 'UTF8') in headers) > 0"
    }
    var books = Books()
    books.assigned = try await database.scalar("SELECT count(*)::int8 FROM assignments WHERE released_at IS NULL")
    books.waitlisted = try await database.scalar("SELECT count(*)::int8 FROM waitlist")
    books.assignedEvents = try await database.scalar(events(ResourceAssigned.eventType))
    books.waitlistedEvents = try await database.scalar(events(AssignmentWaitlisted.eventType))
    books.deadLetters = try await database.scalar("SELECT count(*)::int8 FROM fangyi_outbox WHERE event_id = ''")
    books.persons = try await database.scalar("SELECT count(*)::int8 FROM persons")
    books.violations = try await AllocatorAudit.check(database).violations
    return books
}

/// Fails the run unless the allocator decided every contact once (`assigned` rooms, the rest
/// waitlisted), published each decision, double-booked nothing, and the baseline did the same.
func check(_ phase: String, _ database: Database, contacts: Int, assigned: Int, baselineAssigned: Int) async throws {
    let found = try await books(database)
    let waitlisted = contacts - assigned
    let baselineBooked = try await database.scalar("SELECT count(*)::int8 FROM baseline_assignments")
    let baselineWaiting = try await database.scalar("SELECT count(*)::int8 FROM baseline_waitlist")
    let baselineDouble = try await database.scalar("""
        SELECT count(*)::int8 FROM baseline_assignments a JOIN baseline_units u USING (facility_id, unit_id)
        WHERE u.occupant IS DISTINCT FROM a.assignment_id
        """)
    let good = found.assigned == assigned && found.assignedEvents == assigned && found.waitlisted == waitlisted
        && found.waitlistedEvents == waitlisted && found.persons == contacts && found.deadLetters == 0 && found.violations == 0
        && baselineAssigned == assigned && baselineBooked == assigned && baselineWaiting == waitlisted && baselineDouble == 0
    say("  check \(phase): \(found); baseline \(baselineBooked) assigned, \(baselineWaiting) waitlisted, \(baselineDouble) mismatched"
        + (good ? " — ok" : " — WRONG"))
    guard good else {
        throw BenchFailure(code: "bench.wrong_result",
                           message: "\(phase): expected \(assigned) assigned and \(waitlisted) waitlisted, each published once, none double-booked")
    }
}

// MARK: Results

var table: [BenchRow] = []

let targetRate = 5_000.0
let targetP99 = 0.050
say("fangyi-allocator-bench: \(settings.contacts) contacts in batches of \(settings.batchSize) for \(settings.rooms) rooms "
    + "(\(settings.sites) sites, \(settings.areas) areas); latency batches \(settings.latency.map { "\($0.size)×\($0.batches)" }.joined(separator: ", ")); "
    + "surge \(settings.surgeContacts) contacts for \(settings.surgeRooms) rooms")

// MARK: Throughput

let throughputInventory = inventory(areas: settings.areas, sites: settings.sites, rooms: settings.rooms)
try await withAllocator(throughputInventory) { database, processor in
    let inputs = try contacts(settings.contacts, run: "t", areas: settings.areas, seed: 50_000)
    let chunks = batches(inputs, of: settings.batchSize)
    let records = chunks.map { $0.map(\.record) }
    let baselineStart = clock.now
    var baselineAssigned = 0
    for chunk in chunks { baselineAssigned += try await baseline(chunk, on: database) }
    let baselineTime = seconds(clock.now - baselineStart)
    let start = clock.now
    try await processor.replay(records)
    let time = seconds(clock.now - start)
    let rate = Double(inputs.count) / time
    say("throughput: \(inputs.count) decisions in \(String(format: "%.2f", time)) s = \(perSecond(rate)); "
        + "baseline \(String(format: "%.2f", baselineTime)) s = \(perSecond(Double(inputs.count) / baselineTime))")
    try await check("throughput", database, contacts: inputs.count, assigned: inputs.count, baselineAssigned: baselineAssigned)
    table.append(BenchRow(measure: "throughput, batches of \(settings.batchSize)", result: perSecond(rate),
                     baseline: perSecond(Double(inputs.count) / baselineTime), ratio: time / baselineTime,
                     target: "≥ \(Int(targetRate))/s", met: rate >= targetRate))
}

// MARK: Latency

try await withAllocator(throughputInventory) { database, processor in
    var assignedSoFar = 0
    var baselineAssigned = 0
    for (round, (size, count)) in settings.latency.enumerated() {
        let inputs = try contacts(size * count, run: "l\(round)", areas: settings.areas, seed: 500 + UInt64(round))
        var latencies: [Double] = []
        var baselineLatencies: [Double] = []
        // Alternating, so both see the same occupancy and the same server state.
        for chunk in batches(inputs, of: size) {
            let start = clock.now
            try await processor.replay([chunk.map(\.record)])
            latencies.append(seconds(clock.now - start))
            let baselineStart = clock.now
            baselineAssigned += try await baseline(chunk, on: database)
            baselineLatencies.append(seconds(clock.now - baselineStart))
        }
        assignedSoFar += inputs.count
        let (p50, p99) = (percentile(latencies, 0.5), percentile(latencies, 0.99))
        let (b50, b99) = (percentile(baselineLatencies, 0.5), percentile(baselineLatencies, 0.99))
        say("latency, batches of \(size) (\(count) batches): p50 \(ms(p50)), p99 \(ms(p99)), max \(ms(latencies.max() ?? 0)); "
            + "baseline p50 \(ms(b50)), p99 \(ms(b99)); \(perSecond(Double(inputs.count) / latencies.reduce(0, +))) one batch at a time")
        table.append(BenchRow(measure: "latency p50, batches of \(size)", result: ms(p50), baseline: ms(b50), ratio: p50 / max(b50, 1e-9),
                         target: "", met: nil))
        table.append(BenchRow(measure: "latency p99, batches of \(size)", result: ms(p99), baseline: ms(b99), ratio: p99 / max(b99, 1e-9),
                         target: "< \(Int(targetP99 * 1000)) ms", met: p99 < targetP99))
    }
    try await check("latency", database, contacts: assignedSoFar, assigned: assignedSoFar, baselineAssigned: baselineAssigned)
}

// MARK: Surge

if settings.surgeContacts > 0 {
    try await withAllocator(inventory(areas: settings.areas, sites: settings.surgeSites, rooms: settings.surgeRooms)) { database, processor in
        let inputs = try contacts(settings.surgeContacts, run: "s", areas: settings.areas, seed: 20_000)
        let chunks = batches(inputs, of: settings.batchSize)
        // The batches that fit the rooms, then those that (partly or wholly) go to the waitlist.
        let filling = min(chunks.count, settings.surgeRooms / settings.batchSize)
        var baselineTimes: [Double] = []
        var baselineAssigned = 0
        for part in [chunks[..<filling], chunks[filling...]] {
            let start = clock.now
            for chunk in part { baselineAssigned += try await baseline(chunk, on: database) }
            baselineTimes.append(seconds(clock.now - start))
        }
        var times: [Double] = []
        for part in [chunks[..<filling], chunks[filling...]] {
            let start = clock.now
            try await processor.replay(part.map { $0.map(\.record) })
            times.append(seconds(clock.now - start))
        }
        let assigned = min(inputs.count, settings.surgeRooms)
        let overflow = inputs.count - filling * settings.batchSize
        let total = times.reduce(0, +), baselineTotal = baselineTimes.reduce(0, +)
        say("surge: \(inputs.count) decisions in \(String(format: "%.2f", total)) s = \(perSecond(Double(inputs.count) / total)) "
            + "(filling \(filling * settings.batchSize) in \(String(format: "%.2f", times[0])) s, then \(overflow) with \(inputs.count - assigned) waitlisted "
            + "in \(String(format: "%.2f", times[1])) s = \(perSecond(Double(overflow) / times[1]))); "
            + "baseline \(String(format: "%.2f", baselineTotal)) s = \(perSecond(Double(inputs.count) / baselineTotal))")
        try await check("surge", database, contacts: inputs.count, assigned: assigned, baselineAssigned: baselineAssigned)
        let rate = Double(inputs.count) / total
        table.append(BenchRow(measure: "surge, \(inputs.count) for \(settings.surgeRooms) rooms", result: perSecond(rate),
                         baseline: perSecond(Double(inputs.count) / baselineTotal), ratio: total / baselineTotal,
                         target: "≥ \(Int(targetRate))/s", met: rate >= targetRate))
        if overflow > 0 {
            let waitRate = Double(overflow) / times[1]
            table.append(BenchRow(measure: "surge, once rooms ran out (\(overflow))", result: perSecond(waitRate),
                             baseline: perSecond(Double(overflow) / baselineTimes[1]), ratio: times[1] / baselineTimes[1],
                             target: "≥ \(Int(targetRate))/s", met: waitRate >= targetRate))
        }
    }
}

printBenchTable(table, service: "allocator")
