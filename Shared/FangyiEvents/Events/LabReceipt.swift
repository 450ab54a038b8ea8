public import Foundation

/// Intake's answer to a lab about one item of a submission: accepted (with the event id it became) or rejected (with the problem).
///
/// Published on `lab.receipts.v1` as `fangyi.lab.receipt.issued.v1`, keyed by the lab id.
/// Schema: `Schemas/lab.receipt.issued.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct LabReceipt: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.lab.receipt.issued.v1"

    /// The topic this event is published on: `lab.receipts.v1`.
    public static var topic: Topic { TopicCatalog.labReceipts }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/lab.receipt.issued.v1.json`.
    public static let schemaName = "lab.receipt.issued.v1"

    /// The lab that submitted the item.
    public var labId: String

    /// The lab's id of the submission (batch or message).
    public var submissionId: String

    /// The zero-based position of the item in the submission.
    public var itemIndex: Int

    /// The specimen id of the item, when it could be read.
    public var specimenId: String?

    /// Whether the item was accepted.
    public var outcome: ReceiptOutcome

    /// The id of the LabResultRecorded event the item became, when accepted.
    public var eventId: String?

    /// Why the item was rejected.
    public var problem: ReceiptProblem?

    /// When intake received the submission.
    public var receivedAt: Date

    /// The Kafka record key: the lab id.
    public var partitionKey: String { labId }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        labId: String,
        submissionId: String,
        itemIndex: Int,
        specimenId: String? = nil,
        outcome: ReceiptOutcome,
        eventId: String? = nil,
        problem: ReceiptProblem? = nil,
        receivedAt: Date
    ) {
        self.labId = labId
        self.submissionId = submissionId
        self.itemIndex = itemIndex
        self.specimenId = specimenId
        self.outcome = outcome
        self.eventId = eventId
        self.problem = problem
        self.receivedAt = receivedAt
    }
}
