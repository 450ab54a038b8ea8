@testable import FangyiAllocator
import FangyiEvents
import FangyiService
import Foundation
import Testing

@Suite("Person state: folding events")
struct PersonStateTests {
    func contact(_ tier: ContactTier, exposed: Date, id: String = "c1") -> ContactIdentified {
        ContactIdentified(contactId: id, subjectRef: "p", tier: tier, sourceCaseId: "case-x", via: .venue, areaCode: "A",
                          exposureFrom: exposed, exposureUntil: exposed, lastExposureAt: exposed, followUpDeadline: exposed,
                          identifiedAt: exposed.addingTimeInterval(60))
    }

    @Test("a weaker tier does not downgrade, and the last exposure only moves later")
    func tiers() {
        var state = PersonState(subjectRef: "p")
        let first = People.now
        state.apply(.contactIdentified(contact(.close, exposed: first)))
        state.apply(.contactIdentified(contact(.secondary, exposed: first.addingTimeInterval(3600), id: "c2")))
        #expect(state.contactTier == .close)
        #expect(state.lastExposureAt == first.addingTimeInterval(3600))
        state.apply(.contactIdentified(contact(.close, exposed: first.addingTimeInterval(-86_400))))
        #expect(state.lastExposureAt == first.addingTimeInterval(3600))
    }

    @Test("an older assessment is ignored; a repeat opening of a recovered case does not reopen it")
    func staleFacts() {
        var state = PersonState(subjectRef: "p")
        let opened = CaseOpened(caseId: "k", subjectRef: "p", classification: .confirmed, severity: .mild, areaCode: "A",
                                infectiousFrom: People.now, positiveResultId: "r", openedAt: People.now)
        state.apply(.caseOpened(opened))
        let later = ClinicalAssessment(assessmentId: "a2", subjectRef: "p", assessedAt: People.now.addingTimeInterval(7200),
                                       symptomatic: true, severity: .severe, discharged: false, needsCare: false, ageYears: 70)
        let earlier = ClinicalAssessment(assessmentId: "a1", subjectRef: "p", assessedAt: People.now.addingTimeInterval(3600),
                                         symptomatic: true, severity: .mild, discharged: false, needsCare: false)
        state.apply(.assessment(later))
        state.apply(.assessment(earlier))
        #expect(state.severity == .severe)
        #expect(state.ageYears == 70)
        state.apply(.caseRecovered(CaseRecovered(caseId: "k", subjectRef: "p", areaCode: "A", releaseResultIds: [], recoveredAt: People.now)))
        state.apply(.caseOpened(opened))
        #expect(!state.hasOpenCase)
    }

    @Test("only final or corrected negatives count as release tests; the latest sample is kept")
    func negatives() {
        var state = PersonState(subjectRef: "p")
        func result(_ interpretation: Interpretation, _ status: ResultStatus, _ at: Date) -> LabResultRecorded {
            LabResultRecorded(resultId: "r", labId: "l", specimenId: "s", version: 1, status: status, subjectRef: "p", areaCode: "A",
                              testKind: .pcr, specimenType: .oropharyngealSwab, targets: [], interpretation: interpretation,
                              isScreeningOnly: false, collectedAt: at, reportedAt: at)
        }
        state.apply(.result(result(.positive, .final, People.now)))
        state.apply(.result(result(.negative, .cancelled, People.now)))
        #expect(state.lastNegativeAt == nil)
        state.apply(.result(result(.negative, .final, People.now)))
        state.apply(.result(result(.negative, .corrected, People.now.addingTimeInterval(-60))))
        #expect(state.lastNegativeAt == People.now)
    }
}

@Suite("Policy and seed files")
struct FileTests {
    @Test("the allocator section overrides defaults; other sections are ignored")
    func policy() throws {
        let json = """
            {"tracing": {"lookBackDays": 3}, "allocator": {"version": "city-2", "quarantineDays": 10, "centralizeSecondaryContacts": true,
             "thresholds": [90, 70], "defaultActivationLeadHours": 24, "maximumAreaHops": 2}}
            """
        let policy = try AllocationPolicy.parse(Data(json.utf8))
        #expect(policy.version == "city-2")
        #expect(policy.quarantineDays == 10)
        #expect(policy.centralizeSecondaryContacts)
        #expect(policy.thresholds == [70, 90])
        #expect(policy.defaultActivationLead == .seconds(24 * 3600))
        #expect(policy.maximumAreaHops == 2)
        #expect(try AllocationPolicy.parse(Data("{}".utf8)) == .default)
    }

    @Test("an unknown key, a wrong type or a value out of range names the key", arguments: [
        (#"{"allocator": {"quarantinDays": 7}}"#, "/allocator/quarantinDays"),
        (#"{"allocator": {"quarantineDays": "7"}}"#, "/allocator/quarantineDays"),
        (#"{"allocator": {"allowCarers": 1}}"#, "/allocator/allowCarers"),
        (#"{"allocator": {"thresholds": [80, 120]}}"#, "/allocator/thresholds"),
        (#"{"allocator": []}"#, "/allocator"),
    ])
    func policyErrors(json: String, pointer: String) {
        do {
            _ = try AllocationPolicy.parse(Data(json.utf8))
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.code == "policy.invalid")
            #expect(error.message.contains(pointer))
        }
    }

    @Test("a seed file parses, and its errors name the place")
    func seed() throws {
        let json = """
            {"areas": [{"code": "A", "adjacent": ["B"]}, {"code": "B", "adjacent": []}],
             "facilities": [{"id": "QS-1", "name": "Site", "kind": "quarantineSite", "areaCode": "A", "status": "standby",
                             "activationLeadHours": 48, "units": {"quarantineSingleRoom": 120, "familyRoom": 10}}]}
            """
        let inventory = try Inventory.parse(Data(json.utf8))
        #expect(inventory.facilities.first?.units[.quarantineSingleRoom] == 120)
        #expect(inventory.facilities.first?.status == .standby)
        let cases: [(String, String)] = [
            (#"{"areas": [{"code": "A", "adjacent": ["Z"]}], "facilities": []}"#, "/areas/0/adjacent"),
            (#"{"areas": [], "facilities": [{"id": "F", "kind": "quarantineSite", "areaCode": "A", "units": {"bunk": 3}}]}"#, "bunk"),
            (#"{"areas": [], "facilities": [{"id": "F", "kind": "hotel", "areaCode": "A", "units": {}}]}"#, "/facilities/0/kind"),
            (#"{"areas": [], "facilities": [{"id": "F", "kind": "fangcang", "areaCode": "A", "units": {"generalBed": -1}}]}"#, "/facilities/0/units/generalBed"),
            (#"{"areas": [], "facilities": [{"id": "F", "kind": "fangcang", "areaCode": "A", "units": {}}, {"id": "F", "kind": "fangcang", "areaCode": "A", "units": {}}]}"#, "appears twice"),
            (#"{"areas": [], "facilities": [{"id": "F/1", "kind": "fangcang", "areaCode": "A", "units": {}}]}"#, "/facilities/0/id"),
        ]
        for (bad, mention) in cases {
            do {
                _ = try Inventory.parse(Data(bad.utf8))
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.code == "seed.invalid")
                #expect(error.message.contains(mention), "\(error.message)")
            }
        }
    }

    @Test("unit ids are stable and readable")
    func unitIDs() {
        #expect(FacilitySpec.unitID(facilityId: "QS-1", type: .quarantineSingleRoom, number: 7) == "QS-1/room-00007")
        #expect(FacilitySpec.unitID(facilityId: "DH", type: .icuBed, number: 12) == "DH/icu-00012")
    }

    @Test("area hops are symmetric and unreachable areas are absent")
    func areaMap() {
        let map = AreaMap(["A": ["B"], "C": ["B"], "D": []])
        #expect(map.distances(from: "A") == ["A": 0, "B": 1, "C": 2])
        #expect(map.distances(from: "D") == ["D": 0])
    }
}
