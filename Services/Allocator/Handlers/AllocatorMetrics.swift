import Metrics

/// The allocator's own metrics (consumer lag per partition comes from the Kafka client's
/// statistics; capacity gauges from ``CapacityGauges``). Labels are closed sets.
///
/// - `fangyi_allocator_assignments_total`, `fangyi_allocator_waitlisted_total`,
///   `fangyi_allocator_releases_total`, `fangyi_allocator_transfers_total`.
/// - `fangyi_allocator_threshold_crossings_total`, `fangyi_allocator_standby_activations_total`.
/// - `fangyi_allocator_batch_decision_seconds`: deciding one batch (person state to published
///   outcomes, inside its transaction).
///
/// Concurrency: `Sendable`; handles are created once.
public struct AllocatorMetrics: Sendable {
    let assigned = Counter(label: "fangyi_allocator_assignments_total")
    let waitlisted = Counter(label: "fangyi_allocator_waitlisted_total")
    let released = Counter(label: "fangyi_allocator_releases_total")
    let transferred = Counter(label: "fangyi_allocator_transfers_total")
    let thresholdCrossings = Counter(label: "fangyi_allocator_threshold_crossings_total")
    let standbyActivations = Counter(label: "fangyi_allocator_standby_activations_total")
    let decisionDuration = Metrics.Timer(label: "fangyi_allocator_batch_decision_seconds", preferredDisplayUnit: .seconds)

    /// Creates the handles.
    public init() {}
}
