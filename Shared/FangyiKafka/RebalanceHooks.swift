/// Functions a consumer's owner runs when the group changes its partitions.
///
/// They are called synchronously, before librdkafka is told to take or give up
/// the partitions, and only at points where the consumer holds no undelivered
/// messages: inside ``KafkaConsumer/nextBatch(maxMessages:)`` or inside
/// ``KafkaConsumer/close()``. An owner that reads one batch at a time has then
/// finished every batch it received; an owner that fetches ahead (FangyiService's
/// `EventProcessor`) may still be applying one, whose revoked partitions the new
/// owner then repeats.
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
