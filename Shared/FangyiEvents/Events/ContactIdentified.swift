public import Foundation

/// Tracing identified a person as a close, secondary or companion contact of a case.
///
/// Published on `tracing.contacts.v1` as `fangyi.tracing.contact.identified.v1`, keyed by the subject ref.
/// Schema: `Schemas/tracing.contact.identified.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct ContactIdentified: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.tracing.contact.identified.v1"

    /// The topic this event is published on: `tracing.contacts.v1`.
    public static var topic: Topic { TopicCatalog.tracingContacts }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/tracing.contact.identified.v1.json`.
    public static let schemaName = "tracing.contact.identified.v1"

    /// The contact id (one per person and source case).
    public var contactId: String

    /// The contact.
    public var subjectRef: String

    /// How close the contact is.
    public var tier: ContactTier

    /// The case the contact is traced from.
    public var sourceCaseId: String

    /// For secondary contacts, the close contact they are traced through.
    public var viaContactId: String?

    /// The setting of the exposure.
    public var via: ExposureRoute

    /// The venue, when the exposure was at a venue.
    public var venueId: String?

    /// The area of the contact's residence, for grid workers.
    public var areaCode: String

    /// Start of the shared exposure window.
    public var exposureFrom: Date

    /// End of the shared exposure window.
    public var exposureUntil: Date

    /// The last exposure; quarantine periods count from it.
    public var lastExposureAt: Date

    /// When the contact must have been found and isolated (事不过夜).
    public var followUpDeadline: Date

    /// When the contact was identified.
    public var identifiedAt: Date

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        contactId: String,
        subjectRef: String,
        tier: ContactTier,
        sourceCaseId: String,
        viaContactId: String? = nil,
        via: ExposureRoute,
        venueId: String? = nil,
        areaCode: String,
        exposureFrom: Date,
        exposureUntil: Date,
        lastExposureAt: Date,
        followUpDeadline: Date,
        identifiedAt: Date
    ) {
        self.contactId = contactId
        self.subjectRef = subjectRef
        self.tier = tier
        self.sourceCaseId = sourceCaseId
        self.viaContactId = viaContactId
        self.via = via
        self.venueId = venueId
        self.areaCode = areaCode
        self.exposureFrom = exposureFrom
        self.exposureUntil = exposureUntil
        self.lastExposureAt = lastExposureAt
        self.followUpDeadline = followUpDeadline
        self.identifiedAt = identifiedAt
    }
}
