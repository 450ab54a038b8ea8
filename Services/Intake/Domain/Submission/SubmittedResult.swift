public import Foundation

/// One lab result as read from a submission in any format, before validation.
///
/// Format readers (JSON, CSV, HL7 v2, FHIR) fill what the lab sent, each value with the
/// place it came from (``Located``), and leave absent what the lab left out; they do
/// not judge whether a value is allowed (``ResultValidator`` does, the same way for
/// every format). Text values are trimmed; empty means absent.
///
/// Concurrency: a value type; `Sendable`.
public struct SubmittedResult: Sendable, Equatable {
    /// Where the item starts in the submission: a JSON pointer (`/results/3`), an HL7
    /// reference (`message 2`), a FHIR path (`/entry/4`) or a CSV row (`row 12`).
    public var pointer: String
    /// The lab's id as the item states it (MSH-4, a CSV column, ...); absent means the authenticated lab.
    public var labId: Located<String>?
    /// The lab's id of the specimen (SPM-2, OBR-3, `Specimen.identifier`, ...).
    public var specimenId: Located<String>?
    /// Final, corrected or cancelled.
    public var status: Located<SubmittedStatus>?
    /// The lab's version number of this result, when the format carries one.
    public var version: Located<Int>?
    /// The tested person.
    public var person: SubmittedPerson
    /// The test ordered/performed: a LOINC code (or a local code the lab registered).
    public var testCode: Located<String>?
    /// The qualitative result as coded: a SNOMED CT code (`260373001`) or a word
    /// (`detected`, `not detected`, `positive`, `negative`, `inconclusive`, `invalid`).
    public var qualitativeResult: Located<String>?
    /// Per-target Ct values (ORF1ab, N, E, RdRP), as the lab names the target.
    public var targets: [SubmittedTarget]
    /// The specimen kind as coded: a SNOMED CT code or a word (`nasopharyngeal swab`, `NP`, ...).
    public var specimenType: Located<String>?
    /// When the specimen was collected.
    public var collectedAt: Located<Date>?
    /// When the lab reported (or last changed) the result.
    public var reportedAt: Located<Date>?
    /// The pooled sample's id, when the item is a pool result.
    public var poolId: Located<String>?
    /// The pool's members, when the item is a pool result.
    public var poolMembers: [SubmittedPoolMember]
    /// The pool this specimen was retested from, when it is an individual retest.
    public var retestOfPoolId: Located<String>?

    /// Creates an item at `pointer` with every value absent.
    public init(pointer: String) {
        self.pointer = pointer
        self.person = SubmittedPerson()
        self.targets = []
        self.poolMembers = []
    }
}

/// A value from a submission together with where it was found.
///
/// `pointer` is a JSON pointer (RFC 6901) into a JSON or FHIR body, `SEG[n]-f.c` for HL7 v2
/// (for example `OBX[2]-5`, the second OBX's field 5), or `row R, column NAME` for CSV.
/// Concurrency: `Sendable` when the value is.
public struct Located<Value: Sendable & Equatable>: Sendable, Equatable {
    /// The value as read.
    public var value: Value
    /// Where in the submission it was read.
    public var pointer: String

    /// Creates a located value.
    public init(_ value: Value, at pointer: String) {
        self.value = value
        self.pointer = pointer
    }
}

/// The result status a submission states, mapped from the format's own codes
/// (HL7 OBX-11 `F`/`C`/`X`, FHIR `final`/`amended`/`corrected`/`cancelled`/`entered-in-error`).
public enum SubmittedStatus: String, Sendable, Equatable {
    /// A first or complete report.
    case final
    /// Replaces an earlier report of the same specimen.
    case corrected
    /// Withdraws an earlier report of the same specimen.
    case cancelled
}

/// The tested person as submitted. Personal data: never log any of it.
/// Concurrency: a value type; `Sendable`.
public struct SubmittedPerson: Sendable, Equatable {
    /// A PRC resident identity card number.
    public var nationalId: Located<String>?
    /// Another identifier (passport, hospital MRN, ...), with ``assigningAuthority``.
    public var identifier: Located<String>?
    /// Who issued ``identifier`` (HL7 CX-4, FHIR `identifier.system` or `assigner`).
    public var assigningAuthority: Located<String>?
    /// The person's name, as one display string.
    public var name: String?
    /// A phone number.
    public var phone: String?
    /// The residential address, as one display string.
    public var address: String?
    /// The administrative area code of the residence (6-digit PRC division code).
    public var areaCode: Located<String>?

    /// A person with nothing known.
    public init() {}

    /// `SubmittedPerson(redacted)`: the fields are personal data.
    public var description: String { "SubmittedPerson(redacted)" }
}

/// One assay target and its Ct value as submitted.
public struct SubmittedTarget: Sendable, Equatable {
    /// The target as the lab names it (`ORF1ab`, `ORF1a/b`, `N`, `E`, `RdRp`, ...).
    public var name: Located<String>
    /// The Ct value; absent when the target was not detected (no amplification).
    public var ct: Located<Double>?

    /// Creates a target reading.
    public init(name: Located<String>, ct: Located<Double>?) {
        self.name = name
        self.ct = ct
    }
}

/// A member of a pooled sample.
public struct SubmittedPoolMember: Sendable, Equatable {
    /// The member's own specimen (tube) id, when the pool records one.
    public var specimenId: Located<String>?
    /// The member.
    public var person: SubmittedPerson

    /// Creates a member.
    public init(specimenId: Located<String>?, person: SubmittedPerson) {
        self.specimenId = specimenId
        self.person = person
    }
}

/// What a format reader made of one item: a result to validate, or a problem that
/// made the item unreadable (with what could still be read of it, for the receipt).
public enum SubmissionItem: Sendable, Equatable {
    /// The item was read; ``ResultValidator`` decides whether it is accepted.
    case read(SubmittedResult)
    /// The item could not be read.
    case unreadable(IntakeProblem, specimenId: String?)
}
