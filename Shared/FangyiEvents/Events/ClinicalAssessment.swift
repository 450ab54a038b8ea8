public import Foundation

/// A clinical assessment of a person by a hospital or a medical team.
///
/// Published on `clinical.assessments.v1` as `fangyi.clinical.assessment.recorded.v1`, keyed by the subject ref.
/// Schema: `Schemas/clinical.assessment.recorded.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct ClinicalAssessment: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.clinical.assessment.recorded.v1"

    /// The topic this event is published on: `clinical.assessments.v1`.
    public static var topic: Topic { TopicCatalog.clinicalAssessments }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/clinical.assessment.recorded.v1.json`.
    public static let schemaName = "clinical.assessment.recorded.v1"

    /// The assessing organisation's id for the assessment.
    public var assessmentId: String

    /// The assessed person.
    public var subjectRef: String

    /// The facility where the assessment took place.
    public var facilityId: String?

    /// When the person was assessed.
    public var assessedAt: Date

    /// Whether the person has symptoms.
    public var symptomatic: Bool

    /// When symptoms began, when known.
    public var symptomOnset: Date?

    /// The clinical severity.
    public var severity: ClinicalSeverity

    /// Whether the person was discharged at this assessment.
    public var discharged: Bool

    /// Whether the person needs medical care (a bed, not only a room).
    public var needsCare: Bool

    /// The person's age in whole years (the elderly and the very young get priority).
    public var ageYears: Int?

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        assessmentId: String,
        subjectRef: String,
        facilityId: String? = nil,
        assessedAt: Date,
        symptomatic: Bool,
        symptomOnset: Date? = nil,
        severity: ClinicalSeverity,
        discharged: Bool,
        needsCare: Bool,
        ageYears: Int? = nil
    ) {
        self.assessmentId = assessmentId
        self.subjectRef = subjectRef
        self.facilityId = facilityId
        self.assessedAt = assessedAt
        self.symptomatic = symptomatic
        self.symptomOnset = symptomOnset
        self.severity = severity
        self.discharged = discharged
        self.needsCare = needsCare
        self.ageYears = ageYears
    }
}
