import FangyiEvents
import FangyiKafka
public import Foundation
public import Logging

/// Turns the items of one submission into outcomes: validates every item, publishes the
/// accepted ones, and reports each as accepted only once the broker acknowledged it.
///
/// One bad item never affects another. Validation of large submissions is spread over the
/// machine's cores; publishing is one batch, so the producer packs it into few requests.
///
/// Concurrency: `Sendable`; one instance serves every request and Kafka record.
public struct SubmissionProcessor: Sendable {
    private let validator: ResultValidator
    private let publisher: ResultPublisher
    private let metrics: IntakeMetrics
    private let logger: Logger

    /// Creates a processor.
    public init(validator: ResultValidator, publisher: ResultPublisher, metrics: IntakeMetrics = IntakeMetrics(), logger: Logger) {
        self.validator = validator
        self.publisher = publisher
        self.metrics = metrics
        self.logger = logger
    }

    /// Validates and publishes `items` submitted by `lab`, received at `now`; one outcome per item, in order.
    public func process(_ items: [SubmissionItem], lab: LabAccount, format: SubmissionFormat, now: Date) async -> [ItemOutcome] {
        let checked = await validate(items, lab: lab, now: now)
        var outcomes: [ItemOutcome?] = Array(repeating: nil, count: items.count)
        var records: [KafkaProducerMessage] = []
        var recordItems: [(index: Int, eventID: String, specimenId: String)] = []
        records.reserveCapacity(items.count)
        recordItems.reserveCapacity(items.count)
        for (index, result) in checked.enumerated() {
            switch result {
            case .failure(let rejection):
                outcomes[index] = ItemOutcome(index: index, specimenId: rejection.specimenId, kind: .rejected(rejection.problem))
            case .success(let ready):
                records.append(ready.record)
                recordItems.append((index, EventID.string(ready.accepted.eventID), ready.accepted.specimenId))
            }
        }
        if !records.isEmpty {
            let started = ContinuousClock.now
            let reports = await publisher.send(records)
            metrics.published(format: format, seconds: (ContinuousClock.now - started).seconds)
            for (slot, report) in zip(recordItems, reports) {
                switch report {
                case .success:
                    outcomes[slot.index] = ItemOutcome(index: slot.index, specimenId: slot.specimenId, kind: .accepted(eventID: slot.eventID))
                case .failure(let error):
                    outcomes[slot.index] = ItemOutcome(index: slot.index, specimenId: slot.specimenId, kind: .unavailable(error))
                }
            }
        }
        let final = outcomes.enumerated().map { index, outcome in
            outcome ?? ItemOutcome(index: index, specimenId: nil, kind: .rejected(
                IntakeProblem(code: "internal", message: "the item was not processed", pointer: Self.pointer(of: items[index]))))
        }
        record(final, lab: lab, format: format)
        return final
    }

    private struct Rejection: Error {
        var problem: IntakeProblem
        var specimenId: String?
    }

    /// An accepted item with its Kafka record, built by the validating worker.
    private struct Ready: Sendable {
        var accepted: AcceptedResult
        var record: KafkaProducerMessage
    }

    /// Validates every item and builds the records of the accepted ones; submissions of more
    /// than a few hundred items are split across cores.
    private func validate(_ items: [SubmissionItem], lab: LabAccount, now: Date) async -> [Result<Ready, Rejection>] {
        let validator = self.validator
        @Sendable func check(_ item: SubmissionItem) -> Result<Ready, Rejection> {
            switch item {
            case .unreadable(let problem, let specimenId):
                return .failure(Rejection(problem: problem, specimenId: specimenId))
            case .read(let result):
                switch validator.validate(result, lab: lab, now: now) {
                case .failure(let problem):
                    return .failure(Rejection(problem: problem, specimenId: result.specimenId?.value ?? result.poolId?.value))
                case .success(let accepted):
                    do {
                        return .success(Ready(accepted: accepted, record: try ResultPublisher.record(for: accepted)))
                    } catch {
                        return .failure(Rejection(problem: IntakeProblem(code: "event.unencodable",
                                                                         message: "the result could not be encoded: \(error.code)",
                                                                         pointer: result.pointer),
                                                  specimenId: accepted.specimenId))
                    }
                }
            }
        }
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, items.count / 256)
        guard workers > 1 else { return items.map(check) }
        let chunk = (items.count + workers - 1) / workers
        return await withTaskGroup(of: (Int, [Result<Ready, Rejection>]).self) { group in
            for start in stride(from: 0, to: items.count, by: chunk) {
                let slice = Array(items[start..<min(start + chunk, items.count)])
                group.addTask { (start, slice.map(check)) }
            }
            var parts: [(Int, [Result<Ready, Rejection>])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    private func record(_ outcomes: [ItemOutcome], lab: LabAccount, format: SubmissionFormat) {
        var accepted = 0, rejected = 0, unavailable = 0
        for outcome in outcomes {
            switch outcome.kind {
            case .accepted: accepted += 1
            case .rejected(let problem):
                rejected += 1
                metrics.rejected(code: problem.code)
            case .unavailable: unavailable += 1
            }
        }
        metrics.count(format: format, outcome: "accepted", lab: lab.id, by: accepted)
        metrics.count(format: format, outcome: "rejected", lab: lab.id, by: rejected)
        metrics.count(format: format, outcome: "unavailable", lab: lab.id, by: unavailable)
        if unavailable > 0 {
            logger.warning("results not acknowledged by the broker", metadata: [
                "fangyi.lab": "\(lab.id)", "fangyi.format": "\(format.rawValue)", "fangyi.unavailable": "\(unavailable)",
            ])
        }
    }

    static func pointer(of item: SubmissionItem) -> String {
        switch item {
        case .read(let result): result.pointer
        case .unreadable(let problem, _): problem.pointer
        }
    }
}
