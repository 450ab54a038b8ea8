import FangyiEvents
import FangyiService
import Foundation

extension TracingHandler {
    /// Clinical assessments: kept on the person (a later case uses them); for an open case,
    /// symptoms reclassify an asymptomatic infection as confirmed, a severity change
    /// reclassifies, and an onset earlier than the window's anchor widens the window and
    /// traces the added days.
    func assessments(_ run: ArraySlice<InboundEvent>, _ tracer: ContactTracer) async throws {
        let latest = tracer.now.adding(policy.clockSkew)
        let decoded = decode(run, as: ClinicalAssessment.self, in: tracer) { assessment in
            if assessment.subjectRef.isEmpty { return "subjectRef is empty" }
            if let onset = assessment.symptomOnset, onset > latest { return "symptomOnset is in the future" }
            return nil
        }
        let store = tracer.store
        for (event, assessment) in decoded {
            _ = try await store.lockPersons([assessment.subjectRef])
            try await store.recordAssessment(assessment)
            guard var record = try await store.openCase(subjectRef: assessment.subjectRef),
                  let person = try await store.personStates([assessment.subjectRef])[assessment.subjectRef]
            else { continue }
            let previous = record
            let onset = InfectiousWindow.episodeOnset(person.symptomOnset, sampleCollectedAt: record.sampleCollectedAt)
            let symptomatic = person.symptomatic && (person.symptomOnset == nil || onset != nil)
            record.classification = CaseClassifier.classification(symptomatic: symptomatic)
            record.severity = CaseClassifier.severity(person.clinicalSeverity)
            let window = InfectiousWindow.of(
                sampleCollectedAt: record.sampleCollectedAt, symptomOnset: symptomatic ? onset : nil,
                isolatedAt: record.window.end, policy: policy)
            let widened = window.start < record.window.start
            if widened { record.window.start = window.start }
            guard record != previous else { continue }
            try await store.updateCase(record)
            if record.classification != previous.classification || record.severity != previous.severity {
                let reason = record.classification != previous.classification
                    ? "symptoms reported: \(previous.classification.rawValue) to \(record.classification.rawValue)"
                    : "severity assessed: \(previous.severity.rawValue) to \(record.severity.rawValue)"
                try tracer.publish(CaseReclassified(
                    caseId: record.caseId, subjectRef: record.subjectRef, previousClassification: previous.classification,
                    classification: record.classification, severity: record.severity, areaCode: record.areaCode,
                    reason: reason, evidenceEventId: event.id, reclassifiedAt: tracer.now),
                    id: TracingIdentity.eventID(CaseReclassified.self, record.caseId, event.id), cause: event)
            }
            if widened {
                try await tracer.trace(record, cause: event)
            }
        }
    }
}
