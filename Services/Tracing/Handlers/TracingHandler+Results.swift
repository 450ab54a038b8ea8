import FangyiEvents
import FangyiService
import Foundation

extension TracingHandler {
    /// Lab results: a confirmed positive opens a case; results of persons with an open case
    /// count toward its release; screening positives and inconclusive results order a
    /// single-tube retest. Negatives of everyone else only update the residence area, in
    /// one statement per run, which is what keeps a mass-testing round fast.
    func results(_ run: ArraySlice<InboundEvent>, _ tracer: ContactTracer) async throws {
        let decoded = decode(run, as: LabResultRecorded.self, in: tracer) { result in
            result.subjectRef.isEmpty ? "subjectRef is empty" : nil
        }.filter { $0.1.status != .cancelled }
        guard !decoded.isEmpty else { return }
        let refs = decoded.map(\.1.subjectRef)
        try await tracer.store.recordAreas(refs, decoded.map(\.1.areaCode))
        var followed = try await tracer.store.followed(refs)
        var retests: [(InboundEvent, RetestOrdered)] = []
        for (event, result) in decoded {
            let confirmsInfection = result.interpretation == .positive && result.testKind == .pcr && !result.isScreeningOnly
            if confirmsInfection {
                try await openCase(for: result, cause: event, tracer)
                // Later results of the same person in this run are follow-up samples.
                followed.insert(result.subjectRef)
                continue
            }
            // An open case's samples count toward release; they order no retest.
            if followed.contains(result.subjectRef), try await recordFollowUpResult(result, cause: event, tracer) {
                continue
            }
            switch result.interpretation {
            case .positive: retests.append((event, retest(result.subjectRef, area: result.areaCode, reason: .suspiciousPositive,
                                                          trigger: result.resultId, at: result.reportedAt, resultId: result.resultId)))
            case .inconclusive: retests.append((event, retest(result.subjectRef, area: result.areaCode, reason: .inconclusive,
                                                              trigger: result.resultId, at: result.reportedAt, resultId: result.resultId)))
            case .negative: break
            }
        }
        try await order(retests, tracer)
    }

    /// A positive pool puts every member under temporary control: each gets a single-tube
    /// retest order. Members become cases only on their own positive result.
    func pools(_ run: ArraySlice<InboundEvent>, _ tracer: ContactTracer) async throws {
        let decoded = decode(run, as: PoolResultRecorded.self, in: tracer) { pool in
            pool.members.isEmpty ? "a pool result has no members" : nil
        }
        var retests: [(InboundEvent, RetestOrdered)] = []
        for (event, pool) in decoded where pool.interpretation != .negative {
            let reason: RetestReason = pool.interpretation == .positive ? .poolPositive : .inconclusive
            for member in pool.members {
                var order = retest(member.subjectRef, area: pool.areaCode, reason: reason, trigger: "pool:\(pool.poolId)", at: pool.reportedAt)
                order.poolId = pool.poolId
                retests.append((event, order))
            }
        }
        try await order(retests, tracer)
    }

    private func retest(_ ref: String, area: String, reason: RetestReason, trigger: String, at time: Date, resultId: String? = nil) -> RetestOrdered {
        RetestOrdered(retestId: TracingIdentity.retestID(subjectRef: ref, trigger: trigger), subjectRef: ref, areaCode: area,
                      reason: reason, resultId: resultId, orderedAt: time, dueBy: time.adding(policy.retestDue))
    }

    private func order(_ retests: [(InboundEvent, RetestOrdered)], _ tracer: ContactTracer) async throws {
        let fresh = try await tracer.store.insertRetests(retests.map(\.1))
        for (event, order) in retests where fresh.contains(order.retestId) {
            try tracer.publish(order, id: TracingIdentity.eventID(RetestOrdered.self, order.retestId), cause: event)
            metrics.retest(order.reason)
        }
    }

    /// Opens a case for a confirmed positive (or counts it against the open one), links it
    /// to the case it was traced from, and traces its contacts.
    func openCase(for result: LabResultRecorded, cause: InboundEvent, _ tracer: ContactTracer) async throws {
        let store = tracer.store
        let state = try await store.lockPersons([result.subjectRef])[result.subjectRef]
        if let open = state?.openCaseId {
            _ = try await store.recordSample(caseId: open, .init(resultId: result.resultId, collectedAt: result.collectedAt, qualifies: false))
            return
        }
        let contact = state?.contact
        let quarantinedAt = contact.flatMap { $0.tier == .companion ? nil : $0.identifiedAt }
        let isolatedAt = InfectiousWindow.isolation(reportedAt: result.reportedAt, admittedAt: state?.admittedAt, quarantinedAt: quarantinedAt)
        // Symptoms reported weeks before this sample were another illness.
        let onset = InfectiousWindow.episodeOnset(state?.symptomOnset, sampleCollectedAt: result.collectedAt)
        let symptomatic = (state?.symptomatic ?? false) && (state?.symptomOnset == nil || onset != nil)
        let window = InfectiousWindow.of(sampleCollectedAt: result.collectedAt, symptomOnset: symptomatic ? onset : nil,
                                         isolatedAt: isolatedAt, policy: policy)
        let caseId = TracingIdentity.caseID(subjectRef: result.subjectRef, positiveResultId: result.resultId)
        // This positive already opened a case that has since closed (an amended copy of the
        // result, a replay from an older offset): it is not a new infection.
        guard try await store.caseRecord(id: caseId) == nil else { return }
        let source = try await contact.asyncFlatMap { try await store.caseRecord(id: $0.sourceCaseId) }
        let record = CaseRecord(
            caseId: caseId, subjectRef: result.subjectRef, classification: CaseClassifier.classification(symptomatic: symptomatic),
            severity: CaseClassifier.severity(state?.clinicalSeverity), areaCode: result.areaCode, sampleCollectedAt: result.collectedAt,
            reportedAt: result.reportedAt, window: window, positiveResultId: result.resultId, openedAt: tracer.now,
            chainId: source?.chainId ?? TracingIdentity.chainID(rootCaseId: contact?.sourceCaseId ?? caseId),
            sourceCaseId: contact?.sourceCaseId, linkVia: contact?.via, linkVenueId: contact?.venueId, recoveredAt: nil)
        try await store.insertCase(record)
        _ = try await store.recordSample(caseId: caseId, .init(resultId: result.resultId, collectedAt: result.collectedAt, qualifies: false))
        try tracer.publish(CaseOpened(
            caseId: caseId, subjectRef: record.subjectRef, classification: record.classification, severity: record.severity,
            areaCode: record.areaCode, infectiousFrom: window.start, infectiousUntil: window.end,
            positiveResultId: result.resultId, openedAt: tracer.now, ageYears: state?.ageYears),
            id: TracingIdentity.eventID(CaseOpened.self, caseId), cause: cause)
        metrics.casesOpened.increment()
        if let contact {
            try await link(record, from: contact, source: source, cause: cause, tracer)
        }
        try await tracer.trace(record, cause: cause)
    }

    /// A traced contact became a case: clear the contact, link the case into its source's
    /// chain, and count it toward the setting's cluster. A secondary contact's setting is
    /// shared with the close contact it came through, not with the source case, so it
    /// counts toward no cluster until that close contact is a case itself.
    private func link(_ record: CaseRecord, from contact: ContactRecord, source: CaseRecord?, cause: InboundEvent, _ tracer: ContactTracer) async throws {
        let store = tracer.store
        try await store.clearContact(contact.contactId, clearance: .becameCase, at: tracer.now)
        try tracer.publish(ContactCleared(
            contactId: contact.contactId, subjectRef: contact.subjectRef, sourceCaseId: contact.sourceCaseId,
            clearance: .becameCase, releaseResultId: nil, clearedAt: tracer.now),
            id: TracingIdentity.eventID(ContactCleared.self, contact.contactId, ContactClearance.becameCase.rawValue), cause: cause)
        try tracer.publish(CaseLinked(
            caseId: record.caseId, subjectRef: record.subjectRef, sourceCaseId: contact.sourceCaseId, chainId: record.chainId,
            via: contact.via, linkedAt: tracer.now),
            id: TracingIdentity.eventID(CaseLinked.self, record.caseId, contact.sourceCaseId), cause: cause)
        guard contact.viaContactId == nil else { return }
        let setting = TracingIdentity.clusterSetting(via: contact.via, venueId: contact.venueId, sourceCaseId: contact.sourceCaseId)
        let area = contact.via == .venue ? contact.exposureAreaCode : (source?.areaCode ?? contact.exposureAreaCode)
        let cluster = try await store.joinCluster(
            settingKey: setting, caseIds: [contact.sourceCaseId, record.caseId], areaCode: area, via: contact.via,
            venueId: contact.via == .venue ? contact.venueId : nil, at: record.sampleCollectedAt,
            window: .seconds(86_400 * policy.clusterWindowDays))
        guard cluster.caseIds.count >= policy.clusterMinimumCases else { return }
        try await store.markClusterDetected(cluster.clusterId, at: tracer.now)
        try tracer.publish(ClusterDetected(
            clusterId: cluster.clusterId, areaCode: area, caseIds: cluster.caseIds, via: contact.via,
            venueId: contact.via == .venue ? contact.venueId : nil, detectedAt: tracer.now),
            id: TracingIdentity.eventID(ClusterDetected.self, cluster.clusterId, String(cluster.caseIds.count)), cause: cause)
        if !cluster.wasDetected { metrics.clustersDetected.increment() }
    }

    /// A non-confirming result of a person tracing follows: for an open case it is a
    /// sample toward release (two consecutive qualifying samples ≥ 24 h apart). Returns
    /// whether the person has an open case.
    ///
    /// The release rule reads the Ct values, not the interpretation: a Ct of 35-40 is
    /// "inconclusive" for diagnosis (intake's policy) but is exactly the release band.
    private func recordFollowUpResult(_ result: LabResultRecorded, cause: InboundEvent, _ tracer: ContactTracer) async throws -> Bool {
        let store = tracer.store
        _ = try await store.lockPersons([result.subjectRef])
        guard var record = try await store.openCase(subjectRef: result.subjectRef) else { return false }
        let qualifies = result.interpretation != .positive && result.testKind == .pcr && !result.isScreeningOnly
            && RecoveryRule.qualifies(cts: result.targets.map(\.ct), minimumCt: policy.releaseMinimumCt)
        guard result.collectedAt > record.sampleCollectedAt else { return true }
        let samples = try await store.recordSample(
            caseId: record.caseId, .init(resultId: result.resultId, collectedAt: result.collectedAt, qualifies: qualifies))
        guard let release = RecoveryRule.release(samples, minimumGap: policy.releaseSampleGap) else { return true }
        record.recoveredAt = tracer.now
        try await store.updateCase(record)
        try tracer.publish(CaseRecovered(caseId: record.caseId, subjectRef: record.subjectRef, areaCode: record.areaCode,
                                         releaseResultIds: release, recoveredAt: tracer.now),
                           id: TracingIdentity.eventID(CaseRecovered.self, record.caseId), cause: cause)
        metrics.casesRecovered.increment()
        return true
    }
}

extension Optional {
    /// `flatMap` with an async throwing transform.
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
