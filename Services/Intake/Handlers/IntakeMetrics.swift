import Metrics
import Synchronization

/// Intake's metrics. Labels are bounded: formats and outcomes are fixed sets, labs come
/// from the registry, rejection codes from the code's own constants.
///
/// - `fangyi_intake_results_total{format, outcome, lab}`: items by outcome (accepted, rejected, unavailable).
/// - `fangyi_intake_rejections_total{code}`: rejected items by problem code.
/// - `fangyi_intake_publish_duration_seconds{format}`: from handing results to the producer to the last acknowledgement.
/// - `fangyi_intake_requests_total{format, status}`: HTTP submissions by response status.
///
/// Concurrency: thread-safe; share one instance.
public final class IntakeMetrics: Sendable {
    /// Handles are created once per label set: creating one goes through the metrics
    /// factory's registry (a lock and a lookup), too slow for every request.
    private let counters = Mutex<[String: Counter]>([:])
    private let timers = Mutex<[String: Metrics.Timer]>([:])
    /// Past this many distinct rejection codes, further ones are counted as `other`: a
    /// safety net so that a reader bug can never make the label set unbounded.
    private static let maxRejectionCodes = 300
    private let rejectionCodes = Mutex<Set<String>>([])

    /// Creates the metric handles.
    public init() {}

    func count(format: SubmissionFormat, outcome: String, lab: String, by amount: Int) {
        guard amount > 0 else { return }
        counter("fangyi_intake_results_total", [("format", format.rawValue), ("outcome", outcome), ("lab", lab)]).increment(by: amount)
    }

    func rejected(code: String) {
        let known = rejectionCodes.withLock { codes in
            if codes.contains(code) { return true }
            guard codes.count < Self.maxRejectionCodes else { return false }
            codes.insert(code)
            return true
        }
        counter("fangyi_intake_rejections_total", [("code", known ? code : "other")]).increment()
    }

    func published(format: SubmissionFormat, seconds: Double) {
        let key = format.rawValue
        let timer = timers.withLock { timers in
            if let timer = timers[key] { return timer }
            let timer = Metrics.Timer(label: "fangyi_intake_publish_duration_seconds", dimensions: [("format", key)])
            timers[key] = timer
            return timer
        }
        timer.recordNanoseconds(Int64(seconds * 1e9))
    }

    func request(format: SubmissionFormat, status: Int) {
        counter("fangyi_intake_requests_total", [("format", format.rawValue), ("status", String(status))]).increment()
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        var key = label
        for (name, value) in dimensions {
            key += "|"
            key += name
            key += "="
            key += value
        }
        return counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: label, dimensions: dimensions)
            counters[key] = counter
            return counter
        }
    }
}

/// The formats intake reads.
public enum SubmissionFormat: String, Sendable, CaseIterable {
    /// Fangyi's JSON.
    case json
    /// A FHIR R4 Bundle, or newline-delimited bundles.
    case fhir
    /// HL7 v2.5.1 ORU^R01.
    case hl7v2
    /// A lab information system's CSV export.
    case csv
}
