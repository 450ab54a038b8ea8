public import FangyiService
import FangyiEvents
public import Foundation
public import Logging

/// The tracing worker's business logic: check-ins, relations, lab results and clinical
/// assessments in; cases, contacts, chain links, clusters and retest orders out.
///
/// Runs inside the ``EventProcessor``'s transaction: everything a batch changes and
/// publishes commits together. Consecutive events of one type are handled as one
/// set (a run of 2,000 check-ins is one insert); runs are handled in batch order.
/// An event that cannot be decoded or breaks a rule no retry can fix is rejected to
/// the dead-letter topic on its own, without failing the batch.
///
/// Concurrency: `Sendable`; holds only immutable configuration and thread-safe helpers.
public struct TracingHandler: EventHandler {
    let policy: TracingPolicy
    let partitions: CheckInPartitions
    let metrics: TracingMetrics
    let logger: Logger
    let clock: @Sendable () -> Date

    /// Creates the handler.
    ///
    /// - Parameter clock: "now" for identification times, follow-up deadlines and the
    ///   retention and clock-skew checks; the wall clock unless a test fixes it.
    public init(policy: TracingPolicy, partitions: CheckInPartitions, metrics: TracingMetrics, logger: Logger,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.policy = policy
        self.partitions = partitions
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
    }

    /// The topics the handler consumes.
    public static let topics = [
        TopicCatalog.checkIns.name, TopicCatalog.tracingRelations.name,
        TopicCatalog.labResults.name, TopicCatalog.clinicalAssessments.name,
    ]

    public func handle(_ events: [InboundEvent], in transaction: EventTransaction) async throws {
        let tracer = ContactTracer(
            store: TracingStore(connection: transaction.connection, logger: logger), policy: policy, now: clock(),
            transaction: transaction, metrics: metrics)
        var start = events.startIndex
        while start < events.endIndex {
            let type = events[start].envelope.type
            var end = start + 1
            while end < events.endIndex, events[end].envelope.type == type { end += 1 }
            let run = events[start..<end]
            switch type {
            case CheckIn.eventType: try await checkIns(run, tracer)
            case Relation.eventType: try await relations(run, tracer)
            case LabResultRecorded.eventType: try await results(run, tracer)
            case PoolResultRecorded.eventType: try await pools(run, tracer)
            case ClinicalAssessment.eventType: try await assessments(run, tracer)
            default:
                for event in run {
                    transaction.reject(event, code: "tracing.unexpected_type",
                                       message: "event type \(type) on \(event.message.topic) is not one tracing consumes")
                }
            }
            start = end
        }
    }

    /// Decodes the payloads of the next batch (on every core) while the current one is in
    /// the database; an event that does not decode is left as it is, and `handle` rejects it.
    public func prepare(_ events: [InboundEvent]) async -> [InboundEvent] {
        let decoded = await events.concurrentMap { event -> InboundEvent in
            let payload: (any FangyiEvent)? = switch event.envelope.type {
            case CheckIn.eventType: try? event.decode(CheckIn.self)
            case Relation.eventType: try? event.decode(Relation.self)
            case LabResultRecorded.eventType: try? event.decode(LabResultRecorded.self)
            case PoolResultRecorded.eventType: try? event.decode(PoolResultRecorded.self)
            case ClinicalAssessment.eventType: try? event.decode(ClinicalAssessment.self)
            default: nil
            }
            return payload.map(event.attaching) ?? event
        }
        return zip(events, decoded).map { event, result in (try? result.get()) ?? event }
    }

    /// Decodes each event of a run as `E`, rejecting the ones that do not decode or that
    /// `validate` finds fault with (it returns the reason).
    func decode<E: FangyiEvent>(_ run: ArraySlice<InboundEvent>, as type: E.Type, in tracer: ContactTracer,
                                validate: (E) -> String? = { _ in nil }) -> [(InboundEvent, E)] {
        // The processor's `prepare` has decoded the payloads on every core ahead of the
        // transaction; `decode` returns them (or decodes those it could not).
        var decoded: [(InboundEvent, E)] = []
        decoded.reserveCapacity(run.count)
        for event in run {
            do {
                let value = try event.decode(E.self)
                if let problem = validate(value) {
                    tracer.transaction.reject(event, code: "tracing.invalid_event", message: problem)
                    continue
                }
                decoded.append((event, value))
            } catch {
                let failure = (error as? EnvelopeError).map { ($0.code, $0.message) } ?? ("tracing.undecodable", "\(error)")
                tracer.transaction.reject(event, code: failure.0, message: failure.1)
            }
        }
        return decoded
    }
}
