import FangyiEvents
public import FangyiKafka
import FangyiService
import Foundation
public import Logging
public import ServiceLifecycle

/// The Kafka entry for labs that produce directly: reads `lab.submissions.v1` (key: lab id;
/// value: a submission in any intake format, chosen by the `content-type` header, JSON by
/// default), validates it exactly as the HTTP entry does, publishes the accepted results,
/// dead-letters a record with rejected items to `lab.submissions.dlq.v1` (one
/// `fangyi_dlq_problem` header per rejected item: `index|code|pointer|message`), and
/// publishes one receipt per item on `lab.receipts.v1`.
///
/// A record's offset is stored only after its results, dead letter and receipts were
/// acknowledged; a broker outage pauses the partition's progress and retries, and event ids
/// are deterministic, so a repeat doubles nothing downstream.
///
/// Concurrency: a `Service`; `run()` is called once.
public final class SubmissionConsumer: Service, Sendable {
    /// The header naming the lab's id for the submission (else the JSON body's `submissionId`, else `topic-partition-offset`).
    public static let submissionIDHeader = "fangyi_submission_id"
    /// The dead-letter header carrying one rejected item.
    public static let problemHeader = "fangyi_dlq_problem"

    private let consumer: KafkaConsumer
    private let producer: KafkaProducer
    private let processor: SubmissionProcessor
    private let labs: LabDirectory
    private let logger: Logger
    private let retryDelay: Duration

    /// Creates the entry over a consumer subscribed to `lab.submissions.v1`.
    public init(consumer: KafkaConsumer, producer: KafkaProducer, processor: SubmissionProcessor, labs: LabDirectory,
                logger: Logger, retryDelay: Duration = .seconds(1)) {
        self.consumer = consumer
        self.producer = producer
        self.processor = processor
        self.labs = labs
        self.logger = logger
        self.retryDelay = retryDelay
    }

    /// Consumes until graceful shutdown, then leaves the group.
    public func run() async throws {
        await withGracefulShutdownHandler {
            do {
                while let batch = try await consumer.nextBatch(maxMessages: 64) {
                    for message in batch {
                        guard await handle(message) else { return }
                        try consumer.storeOffsets(for: [message])
                    }
                }
            } catch {
                logger.error("lab submissions consumer stopped", metadata: ["error": "\(error)"])
            }
        } onGracefulShutdown: {
            self.consumer.stop()
        }
        await consumer.close()
    }

    /// Handles one record until its effects are acknowledged; false when shutdown interrupted it.
    private func handle(_ message: KafkaMessage) async -> Bool {
        let receivedAt = Date()
        let labID = message.key.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let headerSubmissionID = message.headers.first { $0.key == Self.submissionIDHeader }?.stringValue
        var submissionID = headerSubmissionID ?? "\(message.topic)-\(message.partition)-\(message.offset)"
        var outputs: [KafkaProducerMessage] = []
        guard let lab = labs.current.labs[labID] else {
            let problem = IntakeProblem(code: "lab.unknown", message: "the record key must be a registered lab id", pointer: "key")
            outputs.append(deadLetter(message, problems: [(0, problem)], at: receivedAt))
            outputs.append(receipt(labID: labID.isEmpty ? "unknown" : labID, submissionID: submissionID, index: 0,
                                   outcome: ItemOutcome(index: 0, specimenId: nil, kind: .rejected(problem)), at: receivedAt))
            return await deliver(outputs)
        }
        let items: [SubmissionItem]
        let format: SubmissionFormat
        do {
            let read = try Self.read(message)
            items = read.items
            format = read.format
            if headerSubmissionID == nil, let stated = read.submissionID { submissionID = stated }
        } catch {
            outputs.append(deadLetter(message, problems: [(0, error)], at: receivedAt))
            outputs.append(receipt(labID: lab.id, submissionID: submissionID, index: 0,
                                   outcome: ItemOutcome(index: 0, specimenId: nil, kind: .rejected(error)), at: receivedAt))
            return await deliver(outputs)
        }
        while true {
            let outcomes = await processor.process(items, lab: lab, format: format, now: receivedAt)
            if outcomes.contains(where: { if case .unavailable = $0.kind { true } else { false } }) {
                guard await pause() else { return false }
                continue
            }
            let problems = outcomes.compactMap { outcome -> (Int, IntakeProblem)? in
                if case .rejected(let problem) = outcome.kind { return (outcome.index, problem) }
                return nil
            }
            if !problems.isEmpty { outputs.append(deadLetter(message, problems: problems, at: receivedAt)) }
            outputs += outcomes.map { receipt(labID: lab.id, submissionID: submissionID, index: $0.index, outcome: $0, at: receivedAt) }
            return await deliver(outputs)
        }
    }

    /// Sends `outputs` until all are acknowledged; false when shutdown interrupted it.
    private func deliver(_ outputs: [KafkaProducerMessage]) async -> Bool {
        var pending = outputs
        while true {
            let results = await producer.send(batch: pending)
            pending = zip(pending, results).compactMap { output, result in
                if case .failure = result { return output }
                return nil
            }
            if pending.isEmpty { return true }
            logger.warning("receipts or dead letters not acknowledged; retrying", metadata: ["kafka.pending": "\(pending.count)"])
            guard await pause() else { return false }
        }
    }

    private func pause() async -> Bool {
        do {
            try await Task.sleep(for: retryDelay)
        } catch {
            return false
        }
        return !Task.isShuttingDownGracefully
    }

    /// The format a record's `content-type` names (lowercased), JSON when absent.
    static func format(contentType type: String) -> SubmissionFormat {
        if type.contains("fhir") { return .fhir }
        if type.contains("hl7") { return .hl7v2 }
        if type.contains("csv") { return .csv }
        return .json
    }

    /// The items of a record, the submission id its body states (JSON `submissionId`), and its format.
    static func read(_ message: KafkaMessage) throws(IntakeProblem) -> (items: [SubmissionItem], submissionID: String?, format: SubmissionFormat) {
        let body = message.value ?? []
        let type = message.headers.first { $0.key == "content-type" }?.stringValue?.lowercased() ?? "application/json"
        let format = format(contentType: type)
        switch format {
        case .json:
            let submission = try JSONResultReader().read(body)
            return (submission.items, submission.submissionId, format)
        case .csv: return (try CSVReader().read(body), nil, format)
        case .fhir: return (type.contains("ndjson") ? FHIRReader().read(ndjson: body) : try FHIRReader().read(bundle: body), nil, format)
        case .hl7v2:
            var items: [SubmissionItem] = []
            for hl7 in HL7v2Reader().read(String(decoding: body, as: UTF8.self)) {
                if let problem = hl7.messageProblem {
                    items.append(.unreadable(problem, specimenId: nil))
                } else {
                    items += hl7.items
                }
            }
            guard !items.isEmpty else {
                throw IntakeProblem(code: "hl7.msh.missing", message: "the value holds no HL7 v2 message", pointer: "message[1]/MSH[1]")
            }
            return (items, nil, format)
        }
    }

    private func deadLetter(_ message: KafkaMessage, problems: [(Int, IntakeProblem)], at time: Date) -> KafkaProducerMessage {
        let first = problems[0].1
        let extra = problems.prefix(1000).map { index, problem in
            KafkaHeader(key: Self.problemHeader, string: "\(index)|\(problem.code)|\(problem.pointer)|\(problem.message.prefix(300))")
        }
        return DeadLetter.message(for: message, code: first.code,
                                  message: "\(problems.count) item(s) rejected; first: \(first.message)",
                                  group: consumer.groupID, topic: TopicCatalog.labSubmissionsDeadLetter.name,
                                  attempts: 1, at: time, extraHeaders: extra)
    }

    private func receipt(labID: String, submissionID: String, index: Int, outcome: ItemOutcome, at time: Date) -> KafkaProducerMessage {
        var receipt = LabReceipt(labId: labID, submissionId: submissionID, itemIndex: index, specimenId: outcome.specimenId,
                                 outcome: .accepted, receivedAt: time)
        switch outcome.kind {
        case .accepted(let eventID): receipt.eventId = eventID
        case .rejected(let problem):
            receipt.outcome = .rejected
            receipt.problem = ReceiptProblem(code: problem.code, message: problem.message, pointer: problem.pointer)
        case .unavailable(let error):
            receipt.outcome = .rejected
            receipt.problem = ReceiptProblem(code: "broker.unavailable", message: error.message, pointer: "")
        }
        let id = EventID.derive(LabReceipt.self, from: [labID, submissionID, String(index), receipt.outcome.rawValue])
        do {
            let envelope = try EventEnvelope.make(receipt, id: id, source: ResultPublisher.source, time: time)
            return ResultPublisher.record(envelope, topic: TopicCatalog.labReceipts.name, key: labID)
        } catch {
            // Receipts hold only codes and ids; encoding cannot fail for them. Keep the
            // partition moving with a minimal record rather than stall it.
            logger.error("receipt not encodable", metadata: ["error": "\(error)"])
            return KafkaProducerMessage(topic: TopicCatalog.labReceipts.name, key: Array(labID.utf8), value: nil)
        }
    }
}
