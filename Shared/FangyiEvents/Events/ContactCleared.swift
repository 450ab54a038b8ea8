public import Foundation

/// A contact left follow-up: released after quarantine, became a case, or was excluded.
///
/// Published on `tracing.contacts.v1` as `fangyi.tracing.contact.cleared.v1`, keyed by the subject ref.
/// Schema: `Schemas/tracing.contact.cleared.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct ContactCleared: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.tracing.contact.cleared.v1"

    /// The topic this event is published on: `tracing.contacts.v1`.
    public static var topic: Topic { TopicCatalog.tracingContacts }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/tracing.contact.cleared.v1.json`.
    public static let schemaName = "tracing.contact.cleared.v1"

    /// The contact id.
    public var contactId: String

    /// The contact.
    public var subjectRef: String

    /// The case the contact was traced from.
    public var sourceCaseId: String

    /// Why the contact left follow-up.
    public var clearance: ContactClearance

    /// The resultId of the negative release test, for releases.
    public var releaseResultId: String?

    /// When the contact was cleared.
    public var clearedAt: Date

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        contactId: String,
        subjectRef: String,
        sourceCaseId: String,
        clearance: ContactClearance,
        releaseResultId: String? = nil,
        clearedAt: Date
    ) {
        self.contactId = contactId
        self.subjectRef = subjectRef
        self.sourceCaseId = sourceCaseId
        self.clearance = clearance
        self.releaseResultId = releaseResultId
        self.clearedAt = clearedAt
    }
}
