public import FangyiEvents
public import Foundation

/// The facts the notifier consumes, decoded.
/// Concurrency: a value type; `Sendable`.
public enum NotifierInput: Sendable {
    case caseOpened(CaseOpened)
    case caseReclassified(CaseReclassified)
    case caseLinked(CaseLinked)
    case clusterDetected(ClusterDetected)
    case contactIdentified(ContactIdentified)
    case contactCleared(ContactCleared)
    case retestOrdered(RetestOrdered)
    case resourceAssigned(ResourceAssigned)
    case assignmentTransferred(AssignmentTransferred)
    case assignmentWaitlisted(AssignmentWaitlisted)
    case capacityChanged(CapacityChanged)
    case capacityCrossed(CapacityThresholdCrossed)
    case standbyActivated(StandbyActivated)
    case poolResult(PoolResultRecorded)
    case labResult(LabResultRecorded)

    /// The payload.
    public var payload: any FangyiEvent {
        switch self {
        case .caseOpened(let e): e
        case .caseReclassified(let e): e
        case .caseLinked(let e): e
        case .clusterDetected(let e): e
        case .contactIdentified(let e): e
        case .contactCleared(let e): e
        case .retestOrdered(let e): e
        case .resourceAssigned(let e): e
        case .assignmentTransferred(let e): e
        case .assignmentWaitlisted(let e): e
        case .capacityChanged(let e): e
        case .capacityCrossed(let e): e
        case .standbyActivated(let e): e
        case .poolResult(let e): e
        case .labResult(let e): e
        }
    }

    /// The area the fact names and alerts use; nil where the fact names none the notifier
    /// relies on (lab results: only the sealed contact is kept).
    public var areaCode: String? {
        switch self {
        case .caseOpened(let e): e.areaCode
        case .caseReclassified(let e): e.areaCode
        case .clusterDetected(let e): e.areaCode
        case .contactIdentified(let e): e.areaCode
        case .retestOrdered(let e): e.areaCode
        case .assignmentWaitlisted(let e): e.areaCode
        case .capacityChanged(let e): e.areaCode
        case .capacityCrossed(let e): e.areaCode
        case .standbyActivated(let e): e.areaCode
        case .poolResult(let e): e.areaCode
        case .labResult, .caseLinked, .contactCleared, .resourceAssigned, .assignmentTransferred: nil
        }
    }

    /// The event time the risk rules count the fact at, with its field name.
    public var countedTime: (String, Date)? {
        switch self {
        case .caseOpened(let e): ("openedAt", e.openedAt)
        case .caseReclassified(let e): ("reclassifiedAt", e.reclassifiedAt)
        case .clusterDetected(let e): ("detectedAt", e.detectedAt)
        default: nil
        }
    }

    /// Whether the fact's alert takes its area from a facility or person seen on another topic.
    public var needsArea: Bool {
        switch self {
        case .resourceAssigned, .assignmentTransferred, .caseLinked: true
        default: false
        }
    }
}
