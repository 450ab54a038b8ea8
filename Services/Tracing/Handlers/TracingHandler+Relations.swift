import FangyiEvents
import FangyiService
import Foundation

extension TracingHandler {
    /// Stores relations; a new relation of an open case (during its window) or of a close
    /// contact (household, first exposure to isolation) makes the other person a contact.
    func relations(_ run: ArraySlice<InboundEvent>, _ tracer: ContactTracer) async throws {
        let decoded = decode(run, as: Relation.self, in: tracer) { relation in
            if relation.subjectRef.isEmpty || relation.otherSubjectRef.isEmpty { return "subjectRef and otherSubjectRef must not be empty" }
            if relation.subjectRef == relation.otherSubjectRef { return "a person cannot be related to themselves" }
            if let to = relation.validTo, to < relation.validFrom { return "validTo is before validFrom" }
            return nil
        }
        guard let cause = decoded.last?.0 else { return }
        let fresh = try await tracer.store.insertRelations(decoded.map(\.1))
        guard !fresh.isEmpty else { return }
        let refs = Array(Set(fresh.flatMap { [$0.subjectRef, $0.otherSubjectRef] }))
        let states = try await tracer.store.personStates(refs)
        var findings: [ContactFinding] = []
        for relation in fresh {
            let validity = TimeSpan(start: relation.validFrom, end: relation.validTo ?? .distantFuture)
            for (from, to) in [(relation.subjectRef, relation.otherSubjectRef), (relation.otherSubjectRef, relation.subjectRef)] {
                guard let state = states[from] else { continue }
                if let caseId = state.openCaseId, let record = try await tracer.store.caseRecord(id: caseId),
                   let exposure = validity.intersection(record.window) {
                    findings.append(ContactFinding(
                        subjectRef: to, tier: policy.tier(for: relation.kind), sourceCaseId: record.caseId,
                        via: ContactTracer.route(relation.kind), exposureAreaCode: record.areaCode, exposure: exposure))
                } else if relation.kind == .household, let contact = state.contact, contact.tier == .close,
                          let exposure = validity.intersection(ContactTracer.secondaryWindow(of: contact)) {
                    findings.append(ContactFinding(
                        subjectRef: to, tier: .secondary, sourceCaseId: contact.sourceCaseId, viaContactId: contact.contactId,
                        via: .household, exposureAreaCode: contact.areaCode, exposure: exposure))
                }
            }
        }
        try await tracer.apply(findings, cause: cause)
    }
}
