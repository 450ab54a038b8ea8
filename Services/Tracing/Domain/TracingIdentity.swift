public import FangyiEvents
public import Foundation

/// Deterministic ids: the same inputs give the same id in every worker and on every
/// replay, which is what lets two instances race on one person without doubling.
public enum TracingIdentity {
    /// The case a positive result opens.
    public static func caseID(subjectRef: String, positiveResultId: String) -> String {
        EventID.string(EventID.derive(["tracing.case", subjectRef, positiveResultId]))
    }

    /// A contact record: one per person and the case they were first traced from.
    public static func contactID(subjectRef: String, sourceCaseId: String) -> String {
        EventID.string(EventID.derive(["tracing.contact", subjectRef, sourceCaseId]))
    }

    /// The chain a root case starts.
    public static func chainID(rootCaseId: String) -> String {
        EventID.string(EventID.derive(["tracing.chain", rootCaseId]))
    }

    /// A cluster: its setting and the first case that started it.
    public static func clusterID(settingKey: String, firstCaseId: String) -> String {
        EventID.string(EventID.derive(["tracing.cluster", settingKey, firstCaseId]))
    }

    /// A retest order: the person and what triggered it (a pool or a result).
    public static func retestID(subjectRef: String, trigger: String) -> String {
        EventID.string(EventID.derive(["tracing.retest", subjectRef, trigger]))
    }

    /// The setting a cluster forms around: a venue, or the source case's household,
    /// workplace or class.
    public static func clusterSetting(via: ExposureRoute, venueId: String?, sourceCaseId: String) -> String {
        if via == .venue, let venueId { return "venue:\(venueId)" }
        return "\(via.rawValue):\(sourceCaseId)"
    }

    /// The id of an outgoing event: its type and the inputs that caused it.
    public static func eventID<E: FangyiEvent>(_ type: E.Type, _ inputs: String...) -> UUID {
        EventID.derive(type, from: inputs)
    }
}
