public import Foundation

/// A relation between two persons (household, workplace, class, or named in an interview), used to find contacts. Relations are symmetric; the producer publishes one event per direction.
///
/// Published on `tracing.relations.v1` as `fangyi.tracing.relation.recorded.v1`, keyed by the subject ref.
/// Schema: `Schemas/tracing.relation.recorded.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct Relation: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.tracing.relation.recorded.v1"

    /// The topic this event is published on: `tracing.relations.v1`.
    public static var topic: Topic { TopicCatalog.tracingRelations }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/tracing.relation.recorded.v1.json`.
    public static let schemaName = "tracing.relation.recorded.v1"

    /// How the two persons are related.
    public var kind: RelationKind

    /// The person the relation is recorded for.
    public var subjectRef: String

    /// The related person.
    public var otherSubjectRef: String

    /// Since when the relation holds.
    public var validFrom: Date

    /// Until when the relation held; absent while it still holds.
    public var validTo: Date?

    /// Where the relation was learned from.
    public var source: RelationSource

    /// When the relation was recorded.
    public var recordedAt: Date

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        kind: RelationKind,
        subjectRef: String,
        otherSubjectRef: String,
        validFrom: Date,
        validTo: Date? = nil,
        source: RelationSource,
        recordedAt: Date
    ) {
        self.kind = kind
        self.subjectRef = subjectRef
        self.otherSubjectRef = otherSubjectRef
        self.validFrom = validFrom
        self.validTo = validTo
        self.source = source
        self.recordedAt = recordedAt
    }
}
