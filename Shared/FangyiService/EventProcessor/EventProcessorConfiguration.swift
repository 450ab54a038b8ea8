import FangyiEvents

/// How an ``EventProcessor`` consumes, retries and dead-letters.
public struct EventProcessorConfiguration: Sendable {
    /// The consumer group; also names the dead-letter topic `<group>.dlq.v1`
    /// and scopes the inbox.
    public var groupID: String
    /// The topics to consume.
    public var topics: [String]
    /// Most events applied in one transaction. Default 500.
    public var maxBatchSize: Int
    /// Attempts per event before it is dead-lettered (after a failed batch,
    /// events are retried one by one). Default 5.
    public var maxAttempts: Int
    /// Delay before the second attempt; doubles per attempt up to ``maxRetryBackoff``. Default 100 ms.
    public var retryBackoff: Duration
    /// Longest delay between attempts, also for infrastructure outages
    /// (database or broker down), which are retried until they pass. Default 10 s.
    public var maxRetryBackoff: Duration
    /// Topics whose events skip the inbox because the handler makes them idempotent
    /// itself, by a natural key (for example a check-in's venue, person and time with
    /// `ON CONFLICT DO NOTHING`). Saves an inbox row per event on high-volume topics.
    /// Default none.
    public var inboxExemptTopics: Set<String>
    /// The isolation level of each batch's transaction. `serializable` when a handler's
    /// correctness depends on what concurrent batches on other instances read and write
    /// together (a read of rows another instance is inserting); conflicts are retried as
    /// transient failures. Default `readCommitted`.
    public var isolation: TransactionIsolation

    /// Creates a configuration with the documented defaults.
    public init(
        groupID: String,
        topics: [String],
        maxBatchSize: Int = 500,
        maxAttempts: Int = 5,
        retryBackoff: Duration = .milliseconds(100),
        maxRetryBackoff: Duration = .seconds(10),
        inboxExemptTopics: Set<String> = [],
        isolation: TransactionIsolation = .readCommitted
    ) {
        self.groupID = groupID
        self.topics = topics
        self.maxBatchSize = maxBatchSize
        self.maxAttempts = maxAttempts
        self.retryBackoff = retryBackoff
        self.maxRetryBackoff = maxRetryBackoff
        self.inboxExemptTopics = inboxExemptTopics
        self.isolation = isolation
    }

    /// `<group>.dlq.v1`.
    public var deadLetterTopic: String { Topic.deadLetterTopic(forGroup: groupID).name }

    /// The delay after `attempt` failed attempts.
    func backoff(afterAttempt attempt: Int) -> Duration {
        var delay = retryBackoff
        for _ in 1..<max(attempt, 1) {
            delay = delay * 2
            if delay >= maxRetryBackoff { return maxRetryBackoff }
        }
        return min(delay, maxRetryBackoff)
    }
}
