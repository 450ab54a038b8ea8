import FangyiEvents
import Metrics

/// Tracing's own metrics (consumer lag per partition comes from the Kafka client's
/// statistics). Labels are closed sets: tiers and outcome names.
///
/// - `fangyi_tracing_checkins_total{outcome}`: stored, duplicate, expired (older than retention), rejected.
/// - `fangyi_tracing_cases_opened_total`, `fangyi_tracing_cases_recovered_total`.
/// - `fangyi_tracing_contacts_total{tier, change}`: contacts published, `created` or `upgraded`.
/// - `fangyi_tracing_clusters_detected_total`, `fangyi_tracing_retests_ordered_total{reason}`.
/// - `fangyi_tracing_trace_duration_seconds`: tracing one case (close and secondary contacts) inside its batch.
///
/// Concurrency: `Sendable`; handles are created once.
public struct TracingMetrics: Sendable {
    let checkInsStored = Counter(label: "fangyi_tracing_checkins_total", dimensions: [("outcome", "stored")])
    let checkInsDuplicate = Counter(label: "fangyi_tracing_checkins_total", dimensions: [("outcome", "duplicate")])
    let checkInsExpired = Counter(label: "fangyi_tracing_checkins_total", dimensions: [("outcome", "expired")])
    let checkInsRejected = Counter(label: "fangyi_tracing_checkins_total", dimensions: [("outcome", "rejected")])
    let casesOpened = Counter(label: "fangyi_tracing_cases_opened_total")
    let casesRecovered = Counter(label: "fangyi_tracing_cases_recovered_total")
    let clustersDetected = Counter(label: "fangyi_tracing_clusters_detected_total")
    let traceDuration = Metrics.Timer(label: "fangyi_tracing_trace_duration_seconds", preferredDisplayUnit: .seconds)
    private let contacts: [String: Counter]
    private let retests: [RetestReason: Counter]

    /// Creates the handles.
    public init() {
        var contacts: [String: Counter] = [:]
        for tier in ContactTier.allCases {
            for change in ContactChange.allCases {
                contacts["\(tier.rawValue)|\(change.rawValue)"] = Counter(
                    label: "fangyi_tracing_contacts_total", dimensions: [("tier", tier.rawValue), ("change", change.rawValue)])
            }
        }
        self.contacts = contacts
        var retests: [RetestReason: Counter] = [:]
        for reason in RetestReason.allCases {
            retests[reason] = Counter(label: "fangyi_tracing_retests_ordered_total", dimensions: [("reason", reason.rawValue)])
        }
        self.retests = retests
    }

    func contact(tier: ContactTier, change: ContactChange) {
        contacts["\(tier.rawValue)|\(change.rawValue)"]?.increment()
    }

    func retest(_ reason: RetestReason) { retests[reason]?.increment() }
}

/// How a contact record changed: the `change` label of `fangyi_tracing_contacts_total`.
enum ContactChange: String, CaseIterable, Sendable {
    case created, upgraded, extended
}
