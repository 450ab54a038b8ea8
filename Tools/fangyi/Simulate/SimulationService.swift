import AsyncHTTPClient
import FangyiEvents
import FangyiKafka
import FangyiSimulation
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Plays a simulated outbreak into a running suite: the household registry's relations first,
/// then day by day the interview relations, the place-code check-ins (both on Kafka, as the
/// registries and the place-code platform would publish them) and the labs' results (through
/// intake's HTTP API, in the four formats). Day `d` starts `d × daySeconds` after the start.
///
/// Nothing is dropped silently: a record the brokers do not acknowledge is sent again (same
/// event id) up to three times, a submission answered 429 or 503 is sent again after its
/// `Retry-After`, and anything still failing ends the run with an error naming it.
///
/// Concurrency: `Sendable`; the outbreak itself is advanced by `run()` alone.
final class SimulationService: Service, Sendable {
    let settings: SimulationSettings
    let city: SimulatedCity
    let calendar: SimulatedCalendar
    let producer: KafkaProducer
    let client: HTTPClient
    let intakeURL: String
    let subjectRefs: SubjectRefGenerator
    let daySeconds: Duration
    let logger: Logger
    /// Prints a line per day (off under the demo's live console).
    let verbose: Bool
    /// Called with the number of days played so far.
    let onDay: @Sendable (Int) -> Void
    private let refs: Mutex<[String?]>
    private let totals = Mutex(Totals())
    private let outcome = Mutex<(summary: SimulationSummary, transmissions: [Transmission])?>(nil)

    /// What reached the suite so far.
    var sent: Totals { totals.withLock { $0 } }

    /// The outbreak's counts and chains, once the run has ended.
    var result: (summary: SimulationSummary, transmissions: [Transmission])? { outcome.withLock { $0 } }

    /// What reached the suite.
    struct Totals: Sendable {
        var relations = 0
        var checkIns = 0
        var submissions = 0
        var results = 0
        var accepted = 0
        var positives = 0
    }

    init(settings: SimulationSettings, city: SimulatedCity, calendar: SimulatedCalendar, producer: KafkaProducer,
         client: HTTPClient, intakeURL: String, subjectRefs: SubjectRefGenerator, daySeconds: Duration, logger: Logger,
         verbose: Bool = true, onDay: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.onDay = onDay
        self.verbose = verbose
        self.settings = settings
        self.city = city
        self.calendar = calendar
        self.producer = producer
        self.client = client
        self.intakeURL = intakeURL.hasSuffix("/") ? String(intakeURL.dropLast()) : intakeURL
        self.subjectRefs = subjectRefs
        self.daySeconds = daySeconds
        self.logger = logger
        refs = Mutex(Array(repeating: nil, count: city.residents.count))
    }

    func run() async throws {
        var outbreak = Outbreak(city: city, settings: settings)
        let clock = ContinuousClock()
        let started = clock.now
        let households = outbreak.householdRelations()
        try await publish(relations: households, at: calendar.start.addingTimeInterval(-86_400))
        if verbose { Console.out("simulate: \(city.residents.count) residents in \(city.householdCount) households, \(city.venues.count) venues; "
                    + "\(households.count) household relations published") }
        let writer = SubmissionWriter(city: city, calendar: calendar)
        while let day = outbreak.next() {
            // Ctrl-C or SIGTERM ends the run between days (the current day is finished).
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(until: started.advanced(by: self.daySeconds * day.day)) }
            } catch is CancellationError {
                break
            }
            if Task.isShuttingDownGracefully { break }
            try await publish(relations: day.relations, at: calendar.date(day: day.day, minute: 22 * 60))
            try await publish(visits: day.visits, day: day.day)
            try await submit(writer.submissions(day: day.day, tests: day.tests))
            totals.withLock { $0.positives += day.tests.filter(\.positive).count }
            onDay(day.day + 1)
            if verbose { Console.out("simulate: day \(day.day + 1)/\(settings.days): \(day.visits.count) check-ins, \(day.tests.count) results "
                        + "(\(day.tests.filter(\.positive).count) positive), \(day.newInfections) new infections, "
                        + "\(day.newlyDetected) detected, \(day.quarantined) quarantined") }
        }
        let summary = outbreak.summary
        outcome.withLock { $0 = (summary, outbreak.transmissions) }
        let sent = totals.withLock { $0 }
        Console.out("simulate: done: \(summary.infections) infections (\(summary.detected) detected), \(sent.checkIns) check-ins, "
                    + "\(sent.relations) relations, \(sent.results) results in \(sent.submissions) submissions (\(sent.accepted) accepted)")
    }

    private func subjectRef(_ resident: Int32) throws -> String {
        if let known = refs.withLock({ $0[Int(resident)] }) { return known }
        let ref = try subjectRefs.subjectRef(forResidentID: city.nationalID(Int(resident)))
        refs.withLock { $0[Int(resident)] = ref }
        return ref
    }

    private func publish(relations: [SimulatedRelation], at time: Date) async throws {
        guard !relations.isEmpty else { return }
        let validFrom = calendar.start.addingTimeInterval(-365 * 86_400)
        try await send(relations, what: "relations") { relation in
            let event = Relation(kind: relation.kind, subjectRef: try subjectRef(relation.resident),
                                 otherSubjectRef: try subjectRef(relation.other), validFrom: validFrom, validTo: nil,
                                 source: relation.source, recordedAt: time)
            let id = EventID.derive(["fangyi-simulate", "relation", String(settings.seed), String(relation.resident), String(relation.other),
                                     relation.kind.rawValue])
            return try message(event, id: id, time: time)
        }
        totals.withLock { $0.relations += relations.count }
    }

    private func publish(visits: [Visit], day: Int) async throws {
        guard !visits.isEmpty else { return }
        try await send(visits, what: "check-ins") { visit in
            let venue = city.venues[Int(visit.venue)]
            let checkedIn = calendar.date(day: day, minute: Int(visit.start))
            let event = CheckIn(venueId: city.venueID(Int(visit.venue)), venueKind: venue.kind.venueKind,
                                areaCode: city.areas[Int(venue.area)].code, subjectRef: try subjectRef(visit.resident),
                                source: .placeCode, checkedInAt: checkedIn, leftAt: calendar.date(day: day, minute: Int(visit.end)))
            let id = EventID.derive(["fangyi-simulate", "checkin", String(settings.seed), String(day), String(visit.resident), String(visit.venue),
                                     String(visit.start)])
            return try message(event, id: id, time: checkedIn)
        }
        totals.withLock { $0.checkIns += visits.count }
    }

    private func message<E: KeyedEvent>(_ event: E, id: UUID, time: Date) throws -> KafkaProducerMessage {
        let envelope = try EventEnvelope.make(event, id: id, source: "fangyi/simulator", time: time)
        return KafkaProducerMessage(topic: E.topic.name, key: Array(event.partitionKey.utf8), value: envelope.data,
                                    headers: envelope.headers().map { KafkaHeader(key: $0.key, value: $0.value) })
    }

    /// Sends a record for each of `items`, built and sent 20,000 at a time (a city's household
    /// registry is millions of records); what the brokers refused is sent again, up to three times.
    private func send<Item>(_ items: [Item], what: String, _ build: (Item) throws -> KafkaProducerMessage) async throws {
        for start in stride(from: 0, to: items.count, by: 20_000) {
            var pending = try items[start..<min(items.count, start + 20_000)].map(build)
            for attempt in 1...4 {
                let results = await producer.send(batch: pending)
                let failed = zip(pending, results).compactMap { message, result -> (KafkaProducerMessage, KafkaError)? in
                    if case .failure(let error) = result { (message, error) } else { nil }
                }
                if failed.isEmpty { break }
                guard attempt < 4 else {
                    throw ToolError(code: "simulate.publish_failed",
                                    message: "\(failed.count) \(what) were not acknowledged after 4 attempts: \(failed[0].1)",
                                    context: ["topic": failed[0].0.topic])
                }
                logger.warning("simulate: \(failed.count) \(what) not acknowledged, sending again", metadata: ["error": "\(failed[0].1)"])
                try await Task.sleep(for: .seconds(attempt))
                pending = failed.map(\.0)
            }
        }
    }

    /// Posts the submissions, four at a time.
    private func submit(_ submissions: [LabSubmission]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func start() {
                guard next < submissions.count else { return }
                let submission = submissions[next]
                next += 1
                group.addTask { try await self.post(submission) }
            }
            for _ in 0..<4 { start() }
            while try await group.next() != nil { start() }
        }
    }

    private func post(_ submission: LabSubmission) async throws {
        for attempt in 1...6 {
            var request = HTTPClientRequest(url: intakeURL + submission.format.path)
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(submission.lab.token)")
            request.headers.add(name: "Content-Type", value: submission.format.contentType)
            request.body = .bytes(ByteBuffer(bytes: submission.body))
            let status: UInt, body: String, retryAfter: Int
            do {
                let response = try await client.execute(request, timeout: .seconds(60))
                body = String(buffer: try await response.body.collect(upTo: 16 << 20))
                status = response.status.code
                retryAfter = Int(response.headers.first(name: "Retry-After") ?? "") ?? attempt
            } catch {
                guard attempt < 6 else {
                    throw ToolError(code: "simulate.intake_unreachable",
                                    message: "intake at \(intakeURL) did not answer a \(submission.format.rawValue) submission of \(submission.count) results: \(error)",
                                    context: ["lab": submission.lab.id])
                }
                logger.warning("simulate: intake did not answer a submission; sending it again (results it did accept are dropped downstream as repeats)",
                               metadata: ["format": "\(submission.format.rawValue)", "results": "\(submission.count)", "attempt": "\(attempt)",
                                          "error": "\(String(describing: error).prefix(200))"])
                try await Task.sleep(for: .seconds(attempt))
                continue
            }
            if status == 429 || status == 503, attempt < 6 {
                logger.warning("simulate: intake asked to retry", metadata: ["status": "\(status)", "retry-after": "\(retryAfter)"])
                try await Task.sleep(for: .seconds(max(1, retryAfter)))
                continue
            }
            guard status == 200 || status == 422 else {
                throw ToolError(code: "simulate.submission_refused",
                                message: "intake answered \(status) to a \(submission.format.rawValue) submission of \(submission.count) results",
                                context: ["lab": submission.lab.id])
            }
            let accepted = Self.accepted(in: body, format: submission.format)
            if accepted < submission.count {
                logger.warning("simulate: intake rejected results", metadata: [
                    "format": "\(submission.format.rawValue)", "rejected": "\(submission.count - accepted)", "of": "\(submission.count)"])
            }
            totals.withLock {
                $0.submissions += 1
                $0.results += submission.count
                $0.accepted += accepted
            }
            return
        }
    }

    /// Accepted items in intake's answer: `"accepted": n` in JSON, `MSA|AA` acknowledgements for HL7.
    static func accepted(in body: String, format: SubmissionFormat) -> Int {
        if format == .hl7v2 { return body.components(separatedBy: "MSA|AA").count - 1 }
        guard let data = body.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return 0 }
        return object["accepted"] as? Int ?? 0
    }
}
