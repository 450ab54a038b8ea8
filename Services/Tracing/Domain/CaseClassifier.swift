public import FangyiEvents

/// How clinical findings translate into a case's classification and severity.
public enum CaseClassifier {
    /// Confirmed when the person has or had symptoms, asymptomatic otherwise.
    public static func classification(symptomatic: Bool) -> CaseClassification {
        symptomatic ? .confirmed : .asymptomatic
    }

    /// The case severity for a clinical severity; `unassessed` before any assessment.
    public static func severity(_ clinical: ClinicalSeverity?) -> CaseSeverity {
        guard let clinical else { return .unassessed }
        return CaseSeverity(rawValue: clinical.rawValue) ?? .unassessed
    }
}
