import Metrics

/// Per-group metrics of an ``EventProcessor`` (label `group`, bounded by the service's groups).
struct EventProcessorMetrics: Sendable {
    let processed: Counter
    let duplicates: Counter
    let deadLettered: Counter
    let failures: Counter
    let batchDuration: Metrics.Timer

    init(group: String) {
        let dims = [("group", group)]
        processed = Counter(label: "fangyi_events_processed_total", dimensions: dims)
        duplicates = Counter(label: "fangyi_events_duplicates_total", dimensions: dims)
        deadLettered = Counter(label: "fangyi_events_dead_lettered_total", dimensions: dims)
        failures = Counter(label: "fangyi_events_failed_attempts_total", dimensions: dims)
        batchDuration = Metrics.Timer(label: "fangyi_event_batch_duration_seconds", dimensions: dims, preferredDisplayUnit: .seconds)
    }
}
