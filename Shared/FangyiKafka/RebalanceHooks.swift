/// Functions a consumer's owner runs when the group changes its partitions.
///
/// They are called synchronously, before librdkafka is told to take or give up
/// the partitions, and only at points where the owner holds no undelivered
/// messages: inside ``KafkaConsumer/nextBatch(maxMessages:)`` (so every batch the
/// owner received earlier is finished) or inside ``KafkaConsumer/close()``.
/// Offsets stored before a revocation are committed by librdkafka as part of it.
/// Keep them short: they run on the polling task or the closing thread.
public struct RebalanceHooks: Sendable {
    /// Partitions newly assigned to this member.
    public var onAssign: (@Sendable ([TopicPartition]) -> Void)?
    /// Partitions about to be given up; `lost` is `true` when they were taken
    /// away without a clean handover (session timeout), so offsets may not commit.
    public var onRevoke: (@Sendable (_ partitions: [TopicPartition], _ lost: Bool) -> Void)?

    /// Creates hooks; both are optional.
    public init(onAssign: (@Sendable ([TopicPartition]) -> Void)? = nil, onRevoke: (@Sendable ([TopicPartition], Bool) -> Void)? = nil) {
        self.onAssign = onAssign
        self.onRevoke = onRevoke
    }
}
