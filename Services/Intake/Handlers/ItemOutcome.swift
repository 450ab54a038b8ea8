public import FangyiKafka

/// What became of one item of a submission.
/// Concurrency: a value type; `Sendable`.
public struct ItemOutcome: Sendable {
    /// The three ends an item can reach.
    public enum Kind: Sendable {
        /// Written to `lab.results.v1` and acknowledged by the broker.
        case accepted(eventID: String)
        /// Not acceptable as sent; resending it unchanged gives the same answer.
        case rejected(IntakeProblem)
        /// Valid, but the broker did not acknowledge it: resend later (same event id).
        case unavailable(KafkaError)
    }

    /// The item's zero-based position in the submission.
    public var index: Int
    /// The specimen (or pool) id, when it could be read.
    public var specimenId: String?
    /// The outcome.
    public var kind: Kind

    /// Creates an outcome.
    public init(index: Int, specimenId: String?, kind: Kind) {
        self.index = index
        self.specimenId = specimenId
        self.kind = kind
    }

    /// `accepted`, `rejected` or `unavailable`.
    public var label: String {
        switch kind {
        case .accepted: "accepted"
        case .rejected: "rejected"
        case .unavailable: "unavailable"
        }
    }
}
