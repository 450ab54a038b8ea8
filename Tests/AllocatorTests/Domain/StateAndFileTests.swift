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

    func result(_ id: String, _ interpretation: Interpretation, _ at: Date, status: ResultStatus = .final, version: Int = 1,
                kind: TestKind = .pcr, screening: Bool = false) -> PersonState.Input {
        .result(LabResultRecorded(resultId: id, labId: "l", specimenId: "s-\(id)", version: version, status: status, subjectRef: "p",
                                  areaCode: "A", testKind: kind, specimenType: .oropharyngealSwab, targets: [],
                                  interpretation: interpretation, isScreeningOnly: screening, collectedAt: at, reportedAt: at))
    }

    @Test("release tests: only diagnostic PCR negatives count; the latest sample is kept; a cancellation withdraws it")
    func negatives() {
        var state = PersonState(subjectRef: "p")
        state.apply(result("r1", .negative, People.now, status: .cancelled))
        #expect(state.lastNegativeAt == nil)
        state.apply(result("r2", .negative, People.now, kind: .antigen))
        state.apply(result("r3", .negative, People.now, screening: true))
        #expect(state.lastNegativeAt == nil)
        state.apply(result("r4", .negative, People.now))
        state.apply(result("r5", .negative, People.now.addingTimeInterval(-60), status: .corrected))
        #expect(state.lastNegativeAt == People.now)
        state.apply(result("r4", .negative, People.now, status: .cancelled, version: 2))
        #expect(state.lastNegativeAt == People.now.addingTimeInterval(-60))
        // An older version arriving late changes nothing.
        state.apply(result("r4", .negative, People.now, version: 1))
        #expect(state.lastNegativeAt == People.now.addingTimeInterval(-60))
    }

    @Test("a positive or inconclusive result after the negative stands against release; a correction to positive withdraws the negative")
    func laterPositive() {
        let policy = AllocationPolicy.default
        var person = People.contact(exposedDaysAgo: 7.5)
        let end = person.lastExposureAt!.addingTimeInterval(7 * 86_400)
        person.apply(result("n1", .negative, end.addingTimeInterval(-3600)))
        #expect(policy.quarantineCompleted(person, now: People.now))
        person.apply(result("x1", .inconclusive, end.addingTimeInterval(-600)))
        #expect(!policy.quarantineCompleted(person, now: People.now))
        person.apply(result("n2", .negative, end))
        #expect(policy.quarantineCompleted(person, now: People.now))
        person.apply(result("n2", .positive, end, status: .corrected, version: 2))
        #expect(!policy.quarantineCompleted(person, now: People.now))
        // An antigen positive also stands against release.
        var other = People.contact(exposedDaysAgo: 7.5)
        other.apply(result("n3", .negative, end.addingTimeInterval(-3600)))
        other.apply(result("a1", .positive, end, kind: .antigen))
        #expect(!policy.quarantineCompleted(other, now: People.now))
    }

    @Test("an assessment that arrives before the case gives the case its severity")
    func assessmentBeforeCase() {
        var state = PersonState(subjectRef: "p")
        state.apply(.assessment(ClinicalAssessment(assessmentId: "a", subjectRef: "p", assessedAt: People.now, symptomatic: true,
                                                   severity: .critical, discharged: false, needsCare: false)))
        state.apply(.caseOpened(CaseOpened(caseId: "k", subjectRef: "p", classification: .confirmed, severity: .unassessed, areaCode: "A",
                                           infectiousFrom: People.now, positiveResultId: "r", openedAt: People.now)))
        #expect(state.severity == .critical)
        #expect(AllocationPolicy.default.needs(of: state, now: People.now).first?.unitTypes == [.icuBed])
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

    @Test("a policy file's value errors name the file and the key")
    func policyFileNamesPath() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("allocator-policy-\(UUID().uuidString).json")
        try Data(#"{"allocator": {"quarantineDays": 99}}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = #expect(throws: PolicySection.FileError.self) { try AllocationPolicy.load(path: file.path) }
        #expect(error?.message.contains(file.path) == true)
        #expect(error?.message.contains("/allocator/quarantineDays") == true)
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
