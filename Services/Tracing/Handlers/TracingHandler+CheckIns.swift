import FangyiEvents
import FangyiService
import Foundation

extension TracingHandler {
    /// Stores check-ins and traces what they reveal late: a new visit overlapping a case's
    /// or close contact's visit makes a contact; a case's or close contact's own late visit
    /// exposes those who were there.
    func checkIns(_ run: ArraySlice<InboundEvent>, _ tracer: ContactTracer) async throws {
        let now = tracer.now
        let latest = now.adding(policy.clockSkew)
        let firstKeptDay = CheckInPartitions.day(of: now) - policy.retentionDays
        let decoded = decode(run, as: CheckIn.self, in: tracer) { checkIn in
            if checkIn.venueId.isEmpty { return "venueId is empty" }
            if checkIn.subjectRef.isEmpty { return "subjectRef is empty" }
            if checkIn.areaCode.isEmpty { return "areaCode is empty" }
            if checkIn.checkedInAt > latest { return "checkedInAt is in the future (beyond the allowed clock skew)" }
            if let left = checkIn.leftAt, left < checkIn.checkedInAt { return "leftAt is before checkedInAt" }
            return nil
        }
        metrics.checkInsRejected.increment(by: run.count - decoded.count)
        var visits: [Visit] = []
        var leftAt: [Double] = []
        var sources: [String] = []
        var days = Set<Int>()
        visits.reserveCapacity(decoded.count)
        for (_, checkIn) in decoded {
            let day = CheckInPartitions.day(of: checkIn.checkedInAt)
            guard day >= firstKeptDay else { continue }
            days.insert(day)
            visits.append(Visit(checkIn, policy: policy))
            leftAt.append(checkIn.leftAt?.timeIntervalSince1970 ?? -1)
            sources.append(checkIn.source.rawValue)
        }
        metrics.checkInsExpired.increment(by: decoded.count - visits.count)
        guard !visits.isEmpty, let cause = decoded.last?.0 else { return }
        try await partitions.ensure(days, logger: logger)
        let matches = try await tracer.store.insertCheckIns(visits, leftAt: leftAt, sources: sources)
        var findings = matches.exposed.compactMap { visit, source in tracer.finding(visit, exposedBy: source) }
        findings += try await lateOwnVisits(matches.own, tracer)
        try await tracer.apply(findings, cause: cause)
        metrics.checkInsStored.increment(by: matches.inserted)
        if visits.count > matches.inserted { metrics.checkInsDuplicate.increment(by: visits.count - matches.inserted) }
    }

    /// Late visits of cases and close contacts: each becomes an exposure source, and
    /// everyone co-present with it a finding.
    private func lateOwnVisits(_ visits: [Visit], _ tracer: ContactTracer) async throws -> [ContactFinding] {
        guard !visits.isEmpty else { return [] }
        let refs = Array(Set(visits.map(\.subjectRef)))
        let states = try await tracer.store.personStates(refs)
        var sources: [ExposureSource] = []
        for visit in visits {
            if let caseId = states[visit.subjectRef]?.openCaseId, let record = try await tracer.store.caseRecord(id: caseId),
               let source = tracer.caseSource(visit, of: record) {
                sources.append(source)
            } else if let contact = states[visit.subjectRef]?.contact, contact.tier == .close,
                      let source = tracer.contactSource(visit, of: contact) {
                sources.append(source)
            }
        }
        try await tracer.store.addExposureSources(sources)
        return try await tracer.coPresence(sources)
    }
}
