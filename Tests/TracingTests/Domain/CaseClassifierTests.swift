@testable import FangyiTracing
import FangyiEvents
import Foundation
import Testing

@Suite("CaseClassifier: classification and severity")
struct CaseClassifierTests {
    @Test("a symptomatic person is a confirmed case, otherwise asymptomatic")
    func classification() {
        #expect(CaseClassifier.classification(symptomatic: true) == .confirmed)
        #expect(CaseClassifier.classification(symptomatic: false) == .asymptomatic)
    }

    @Test("no assessment yet is unassessed")
    func unassessed() {
        #expect(CaseClassifier.severity(nil) == .unassessed)
    }

    @Test("each clinical severity maps to the case severity of the same name", arguments: [
        (ClinicalSeverity.asymptomatic, CaseSeverity.asymptomatic), (.mild, .mild), (.moderate, .moderate),
        (.severe, .severe), (.critical, .critical),
    ])
    func severity(clinical: ClinicalSeverity, expected: CaseSeverity) {
        #expect(CaseClassifier.severity(clinical) == expected)
    }

    @Test("every clinical severity is assessed (none falls back to unassessed)", arguments: ClinicalSeverity.allCases)
    func neverUnassessed(clinical: ClinicalSeverity) {
        #expect(CaseClassifier.severity(clinical) != .unassessed)
    }
}
