/// Counts kept by an ``EventProcessor`` since it started (also exported as metrics).
public struct EventProcessorStatistics: Sendable, Codable, Equatable {
    /// Events applied by the handler (first deliveries).
    public var processed = 0
    /// Deliveries skipped because the inbox had the event id already.
    public var duplicates = 0
    /// Records sent to the dead-letter topic.
    public var deadLettered = 0
    /// Failed attempts (each retry counts).
    public var failedAttempts = 0
    /// Batches whose offsets were stored.
    public var batches = 0

    /// Creates zeroed statistics.
    public init() {}
}
