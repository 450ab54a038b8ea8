public import Foundation

/// One person checking in at a venue, from a place-code scan or a comparable source.
///
/// Published on `checkins.v1` as `fangyi.checkin.recorded.v1`, keyed by the venue id.
/// Schema: `Schemas/checkin.recorded.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct CheckIn: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.checkin.recorded.v1"

    /// The topic this event is published on: `checkins.v1`.
    public static var topic: Topic { TopicCatalog.checkIns }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/checkin.recorded.v1.json`.
    public static let schemaName = "checkin.recorded.v1"

    /// The venue (place code id).
    public var venueId: String

    /// The kind of venue.
    public var venueKind: VenueKind

    /// The area the venue is in.
    public var areaCode: String

    /// The person who checked in.
    public var subjectRef: String

    /// Where the record came from.
    public var source: CheckInSource

    /// When the person checked in.
    public var checkedInAt: Date

    /// When the person left, when known.
    public var leftAt: Date?

    /// The Kafka record key: the venue id.
    public var partitionKey: String { venueId }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        venueId: String,
        venueKind: VenueKind,
        areaCode: String,
        subjectRef: String,
        source: CheckInSource,
        checkedInAt: Date,
        leftAt: Date? = nil
    ) {
        self.venueId = venueId
        self.venueKind = venueKind
        self.areaCode = areaCode
        self.subjectRef = subjectRef
        self.source = source
        self.checkedInAt = checkedInAt
        self.leftAt = leftAt
    }
}
