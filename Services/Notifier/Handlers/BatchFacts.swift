import FangyiEvents
import Foundation

/// The facts of one batch, gathered per table so each is written in one statement.
struct BatchFacts {
    var personAreas: [String: String] = [:]
    var contactSince: [String: Date] = [:]
    var placements: [String: Date] = [:]
    var settlements: [String: Date] = [:]
    var sealedContacts: [String: (String, Date)] = [:]
    var facilityAreas: [String: String] = [:]
    var cases: [CaseOpened] = []
    var reclassified: [CaseReclassified] = []
    var clusters: [ClusterDetected] = []
    var followUps: [ContactIdentified] = []
    var personsToLocate: [String] = []
    var facilitiesToLocate: [String] = []
    /// Areas whose risk the batch may change.
    var riskAreas: [String] = []

    init(_ inputs: [NotifierInput]) {
        var risk = Set<String>()
        for input in inputs {
            switch input {
            case .caseOpened(let e):
                personAreas[e.subjectRef] = e.areaCode
                settlements[e.subjectRef] = e.openedAt
                cases.append(e)
                risk.insert(e.areaCode)
            case .caseReclassified(let e):
                reclassified.append(e)
                risk.insert(e.areaCode)
            case .clusterDetected(let e):
                clusters.append(e)
                risk.insert(e.areaCode)
            case .contactIdentified(let e):
                personAreas[e.subjectRef] = e.areaCode
                contactSince[e.subjectRef] = min(contactSince[e.subjectRef] ?? e.identifiedAt, e.identifiedAt)
                if e.tier == .close { followUps.append(e) }
            case .contactCleared(let e):
                settlements[e.subjectRef] = e.clearedAt
            case .retestOrdered(let e):
                personAreas[e.subjectRef] = e.areaCode
            case .resourceAssigned(let e):
                placements[e.subjectRef] = max(placements[e.subjectRef] ?? e.assignedAt, e.assignedAt)
                personsToLocate.append(e.subjectRef)
                facilitiesToLocate.append(e.facilityId)
            case .assignmentTransferred(let e):
                placements[e.subjectRef] = max(placements[e.subjectRef] ?? e.transferredAt, e.transferredAt)
                personsToLocate.append(e.subjectRef)
                facilitiesToLocate.append(e.toFacilityId)
            case .caseLinked(let e):
                personsToLocate.append(e.subjectRef)
            case .capacityChanged(let e):
                facilityAreas[e.facilityId] = e.areaCode
            case .capacityCrossed(let e):
                facilityAreas[e.facilityId] = e.areaCode
            case .standbyActivated(let e):
                facilityAreas[e.facilityId] = e.areaCode
            case .labResult(let e):
                if let blob = e.sealedContact, let json = try? JSONEncoder().encode(blob) {
                    if sealedContacts[e.subjectRef].map({ $0.1 <= e.reportedAt }) ?? true {
                        sealedContacts[e.subjectRef] = (String(decoding: json, as: UTF8.self), e.reportedAt)
                    }
                }
            case .assignmentWaitlisted, .poolResult:
                break
            }
        }
        riskAreas = risk.sorted()
        // One row per id per statement (an upsert may not touch a row twice): the last wins.
        cases = Self.lastPerKey(cases, \.caseId)
        reclassified = Self.lastPerKey(reclassified, \.caseId)
        clusters = Self.lastPerKey(clusters, \.clusterId)
        followUps = Self.lastPerKey(followUps, \.contactId)
    }

    static func lastPerKey<T>(_ items: [T], _ key: KeyPath<T, String>) -> [T] {
        var index: [String: Int] = [:]
        var result: [T] = []
        for item in items {
            if let at = index[item[keyPath: key]] {
                result[at] = item
            } else {
                index[item[keyPath: key]] = result.count
                result.append(item)
            }
        }
        return result
    }

    /// Writes the facts: placements before follow-ups (a follow-up for someone already placed
    /// after the exposure starts settled), settlements last.
    func record(in store: NotifierStore) async throws {
        try await store.recordAreas(personAreas)
        try await store.recordContacts(contactSince)
        try await store.recordSealedContacts(sealedContacts)
        try await store.recordFacilities(facilityAreas)
        try await store.recordCases(cases)
        try await store.reclassify(reclassified)
        try await store.recordClusters(clusters)
        try await store.recordPlacements(placements)
        try await store.openFollowUps(followUps)
        try await store.settleFollowUps(settlements)
    }
}
