public import Foundation

/// A lab result for one specimen of one person, recorded by intake after validation and interpretation.
///
/// Published on `lab.results.v1` as `fangyi.lab.result.recorded.v1`, keyed by the subject ref.
/// Schema: `Schemas/lab.result.recorded.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct LabResultRecorded: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.lab.result.recorded.v1"

    /// The topic this event is published on: `lab.results.v1`.
    public static var topic: Topic { TopicCatalog.labResults }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/lab.result.recorded.v1.json`.
    public static let schemaName = "lab.result.recorded.v1"

    /// Intake's id for this result, stable across versions of the same result.
    public var resultId: String

    /// The lab that reported the result.
    public var labId: String

    /// The lab's id of the specimen.
    public var specimenId: String

    /// The result version, 1 for the first report; corrections count up.
    public var version: Int

    /// Whether this version is final, a correction or a cancellation.
    public var status: ResultStatus

    /// The tested person.
    public var subjectRef: String

    /// The person's contact details, sealed; only the notifier opens them.
    public var sealedContact: SealedBlob?

    /// The administrative area of the person's residence.
    public var areaCode: String

    /// The kind of test.
    public var testKind: TestKind

    /// The kind of specimen.
    public var specimenType: SpecimenType

    /// The measured targets; empty for antigen tests.
    public var targets: [TargetResult]

    /// The reading under the interpretation policy in force.
    public var interpretation: Interpretation

    /// True when the result screens but cannot confirm (antigen tests).
    public var isScreeningOnly: Bool

    /// When the specimen was collected.
    public var collectedAt: Date

    /// When the lab reported the result.
    public var reportedAt: Date

    /// The pooled sample this specimen came from, when the result is an individual retest of a pool.
    public var poolId: String?

    /// The event id of the version this one replaces (for corrections and cancellations).
    public var supersedes: String?

    /// The Kafka record key: the subject ref.
    public var partitionKey: String { subjectRef }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        resultId: String,
        labId: String,
        specimenId: String,
        version: Int,
        status: ResultStatus,
        subjectRef: String,
        sealedContact: SealedBlob? = nil,
        areaCode: String,
        testKind: TestKind,
        specimenType: SpecimenType,
        targets: [TargetResult],
        interpretation: Interpretation,
        isScreeningOnly: Bool,
        collectedAt: Date,
        reportedAt: Date,
        poolId: String? = nil,
        supersedes: String? = nil
    ) {
        self.resultId = resultId
        self.labId = labId
        self.specimenId = specimenId
        self.version = version
        self.status = status
        self.subjectRef = subjectRef
        self.sealedContact = sealedContact
        self.areaCode = areaCode
        self.testKind = testKind
        self.specimenType = specimenType
        self.targets = targets
        self.interpretation = interpretation
        self.isScreeningOnly = isScreeningOnly
        self.collectedAt = collectedAt
        self.reportedAt = reportedAt
        self.poolId = poolId
        self.supersedes = supersedes
    }
}
