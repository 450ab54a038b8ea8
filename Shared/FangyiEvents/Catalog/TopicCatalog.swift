/// The v1 topic catalog of ARCHITECTURE.md as code: every topic, its key, size and retention,
/// and which event types travel on it.
///
/// Sizing: topics that carry per-person or per-venue traffic at mass-testing scale (labs,
/// results, check-ins, relations, cases, contacts) get 12 partitions so a service can run up
/// to 12 instances; low-volume topics get 6 or 3. Retention: 28 days wherever a service may
/// have to rebuild state or replay under a new policy (risk levels look back 14 days, releases
/// need test history), 7 days for acknowledgements, capacity snapshots, alerts and delivery
/// logs, 14 days for dead letters. All event topics use `delete` cleanup: events are facts,
/// not latest-value snapshots.
///
/// Concurrency: all members are immutable `Sendable` constants or pure functions.
public enum TopicCatalog {
    private static func days(_ count: Int64) -> Duration { .seconds(count * 86_400) }

    /// `lab.submissions.v1`: results as labs send them (JSON, FHIR R4, HL7 v2, CSV; the
    /// `content-type` header says which) → intake. Not Fangyi events, so no event types.
    public static let labSubmissions = Topic(
        name: "lab.submissions.v1", key: "lab id", partitions: 12, retention: days(7), eventTypes: [],
        summary: "Lab submissions in the lab's own format, produced directly by labs → intake."
    )
    /// `lab.results.v1`: intake → tracing, allocator, notifier.
    public static let labResults = Topic(
        name: "lab.results.v1", key: "subject ref (pool id for pooled results)", partitions: 12, retention: days(28),
        eventTypes: [LabResultRecorded.eventType, PoolResultRecorded.eventType],
        summary: "Validated, interpreted, pseudonymised lab results: intake → tracing, allocator, notifier."
    )
    /// `lab.receipts.v1`: intake → labs.
    public static let labReceipts = Topic(
        name: "lab.receipts.v1", key: "lab id", partitions: 6, retention: days(7),
        eventTypes: [LabReceipt.eventType],
        summary: "Per-item accepted/rejected receipts for lab submissions: intake → labs."
    )
    /// `checkins.v1`: place-code platform, simulator → tracing.
    public static let checkIns = Topic(
        name: "checkins.v1", key: "venue id", partitions: 12, retention: days(28),
        eventTypes: [CheckIn.eventType],
        summary: "Venue check-ins (place-code scans): place-code platform, simulator → tracing."
    )
    /// `tracing.relations.v1`: interviews, household registry → tracing.
    public static let tracingRelations = Topic(
        name: "tracing.relations.v1", key: "subject ref", partitions: 12, retention: days(28),
        eventTypes: [Relation.eventType],
        summary: "Household, workplace, class and interview relations: interviews, registries → tracing."
    )
    /// `clinical.assessments.v1`: hospitals → tracing, allocator.
    public static let clinicalAssessments = Topic(
        name: "clinical.assessments.v1", key: "subject ref", partitions: 6, retention: days(28),
        eventTypes: [ClinicalAssessment.eventType],
        summary: "Clinical assessments: hospitals → tracing, allocator."
    )
    /// `tracing.cases.v1`: tracing → allocator, notifier.
    public static let tracingCases = Topic(
        name: "tracing.cases.v1", key: "subject ref", partitions: 12, retention: days(28),
        eventTypes: [CaseOpened.eventType, CaseReclassified.eventType, CaseRecovered.eventType, CaseLinked.eventType],
        summary: "Case lifecycle and chain links: tracing → allocator, notifier."
    )
    /// `tracing.contacts.v1`: tracing → allocator, notifier.
    public static let tracingContacts = Topic(
        name: "tracing.contacts.v1", key: "subject ref", partitions: 12, retention: days(28),
        eventTypes: [ContactIdentified.eventType, ContactCleared.eventType, RetestOrdered.eventType],
        summary: "Contacts identified and cleared, retest orders: tracing → allocator, notifier."
    )
    /// `tracing.clusters.v1`: tracing → notifier.
    public static let tracingClusters = Topic(
        name: "tracing.clusters.v1", key: "area code", partitions: 3, retention: days(28),
        eventTypes: [ClusterDetected.eventType],
        summary: "Detected clusters: tracing → notifier."
    )
    /// `resources.allocations.v1`: allocator → notifier.
    public static let resourceAllocations = Topic(
        name: "resources.allocations.v1", key: "subject ref", partitions: 6, retention: days(28),
        eventTypes: [ResourceAssigned.eventType, AssignmentWaitlisted.eventType, AssignmentReleased.eventType,
                     AssignmentTransferred.eventType],
        summary: "Bed and room assignments, waitlist entries, releases and transfers: allocator → notifier."
    )
    /// `resources.capacity.v1`: allocator → notifier.
    public static let resourceCapacity = Topic(
        name: "resources.capacity.v1", key: "facility id", partitions: 3, retention: days(7),
        eventTypes: [CapacityChanged.eventType, CapacityThresholdCrossed.eventType, StandbyActivated.eventType],
        summary: "Facility occupancy, threshold crossings and standby activations: allocator → notifier."
    )
    /// `alerts.v1`: notifier → downstream subscribers.
    public static let alerts = Topic(
        name: "alerts.v1", key: "area code", partitions: 3, retention: days(7),
        eventTypes: [Alert.eventType],
        summary: "Alerts for the public, health authority, grid workers, facilities and persons: notifier → subscribers."
    )
    /// `notifications.deliveries.v1`: notifier → operations.
    public static let notificationDeliveries = Topic(
        name: "notifications.deliveries.v1", key: "subscriber id", partitions: 6, retention: days(7),
        eventTypes: [NotificationDelivery.eventType],
        summary: "One record per delivery attempt: notifier → operations."
    )
    /// The consumer group id whose dead letters go to `lab.submissions.dlq.v1`: intake's
    /// consumer of `lab.submissions.v1`.
    public static let labSubmissionsGroup = "lab.submissions"
    /// `lab.submissions.dlq.v1`: submissions intake could not parse → operations.
    public static let labSubmissionsDeadLetter = Topic.deadLetterTopic(forGroup: labSubmissionsGroup)

    /// The consumer group ids of the Fangyi services, one per consuming service: intake's
    /// consumer of `lab.submissions.v1` (``labSubmissionsGroup``), then tracing, allocator and
    /// notifier. Each group's dead letters go to ``Topic/deadLetterTopic(forGroup:)``, so these
    /// ids are also what names the `<group>.dlq.v1` topics that provisioning creates.
    public static let consumerGroups: [String] = [labSubmissionsGroup, tracingGroup, allocatorGroup, notifierGroup]

    /// The consumer group every `fangyi-tracing` instance joins; its dead letters go to
    /// `tracing.dlq.v1`.
    public static let tracingGroup = "tracing"

    /// The consumer group every `fangyi-notifier` instance joins; its dead letters go to
    /// `notifier.dlq.v1`.
    public static let notifierGroup = "notifier"

    /// The consumer group every `fangyi-allocator` instance joins; its dead letters go to
    /// `allocator.dlq.v1`.
    public static let allocatorGroup = "allocator"

    /// Every topic a cluster needs: ``all`` followed by the dead-letter topic of each of
    /// ``consumerGroups`` that ``all`` does not already contain. `fangyi broker` and
    /// `fangyi topics provision` create exactly these. Concurrency: pure.
    public static var provisionedTopics: [Topic] {
        var topics = all
        var names = Set(all.map(\.name))
        for group in consumerGroups {
            let deadLetter = Topic.deadLetterTopic(forGroup: group)
            if names.insert(deadLetter.name).inserted { topics.append(deadLetter) }
        }
        return topics
    }

    /// Every catalog topic, in the order of ARCHITECTURE.md. Dead-letter topics of other
    /// groups are made on demand with ``Topic/deadLetterTopic(forGroup:)``.
    public static let all: [Topic] = [
        labSubmissions, labResults, labReceipts, checkIns, tracingRelations, clinicalAssessments,
        tracingCases, tracingContacts, tracingClusters, resourceAllocations, resourceCapacity, alerts,
        notificationDeliveries, labSubmissionsDeadLetter,
    ]

    /// Every v1 event type. Concurrency: pure.
    public static var eventTypes: [any KeyedEvent.Type] {
        [
            LabResultRecorded.self, PoolResultRecorded.self, LabReceipt.self, CheckIn.self, Relation.self,
            ClinicalAssessment.self, CaseOpened.self, CaseReclassified.self, CaseRecovered.self, CaseLinked.self,
            ContactIdentified.self, ContactCleared.self, RetestOrdered.self, ClusterDetected.self,
            ResourceAssigned.self, AssignmentWaitlisted.self, AssignmentReleased.self, AssignmentTransferred.self,
            CapacityChanged.self, CapacityThresholdCrossed.self, StandbyActivated.self, Alert.self,
            NotificationDelivery.self,
        ]
    }

    /// The catalog topic named `name`, if any. Concurrency: pure.
    public static func topic(named name: String) -> Topic? {
        all.first { $0.name == name }
    }

    /// The event type whose `ce_type` is `eventType`, if any (for tools that decode any record).
    /// Concurrency: pure.
    public static func eventType(named eventType: String) -> (any KeyedEvent.Type)? {
        eventTypes.first { $0.eventType == eventType }
    }
}
