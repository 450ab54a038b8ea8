@testable import FangyiAllocator
import FangyiEvents
import Foundation
import Testing

/// Builders for person states at a fixed "now".
enum People {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func caseOf(_ severity: CaseSeverity, classification: CaseClassification = .confirmed, age: Int? = nil) -> PersonState {
        var person = PersonState(subjectRef: "s-\(severity.rawValue)")
        person.caseId = "case-1"
        person.classification = classification
        person.severity = severity
        person.areaCode = "A"
        person.ageYears = age
        return person
    }

    static func contact(_ tier: ContactTier = .close, exposedDaysAgo: Double = 1, age: Int? = nil) -> PersonState {
        var person = PersonState(subjectRef: "s-contact")
        person.contactId = "contact-1"
        person.contactTier = tier
        person.lastExposureAt = now.addingTimeInterval(-exposedDaysAgo * 86_400)
        person.areaCode = "A"
        person.ageYears = age
        return person
    }
}

@Suite("Assignment policy: who needs which unit")
struct NeedTests {
    let policy = AllocationPolicy.default

    @Test("critical cases need a designated-hospital ICU bed with a ventilator")
    func critical() {
        let needs = policy.needs(of: People.caseOf(.critical), now: People.now)
        #expect(needs.count == 1)
        #expect(needs.first?.facilityKind == .designatedHospital)
        #expect(needs.first?.unitTypes == [.icuBed])
        #expect(needs.first?.ventilator == true)
        #expect(needs.first?.purpose == .treatment)
    }

    @Test("severe and suspected cases go to a designated hospital, negative-pressure bed first")
    func severeAndSuspected() {
        for person in [People.caseOf(.severe), People.caseOf(.mild, classification: .suspected)] {
            let need = policy.needs(of: person, now: People.now).first
            #expect(need?.facilityKind == .designatedHospital)
            #expect(need?.unitTypes == [.negativePressureBed, .generalBed])
            #expect(need?.ventilator == false)
        }
    }

    @Test("mild, moderate, asymptomatic and not yet assessed cases go to fangcang", arguments: [
        CaseSeverity.mild, .moderate, .asymptomatic, .unassessed,
    ])
    func fangcang(severity: CaseSeverity) {
        let need = policy.needs(of: People.caseOf(severity), now: People.now).first
        #expect(need?.facilityKind == .fangcang)
        #expect(need?.unitTypes == [.generalBed])
    }

    @Test("an asymptomatic infection also goes to fangcang")
    func asymptomaticClassification() {
        let need = policy.needs(of: People.caseOf(.asymptomatic, classification: .asymptomatic), now: People.now).first
        #expect(need?.facilityKind == .fangcang)
    }

    @Test("a recovered case needs nothing")
    func recovered() {
        var person = People.caseOf(.mild)
        person.caseClosedAt = People.now
        #expect(policy.needs(of: person, now: People.now).isEmpty)
    }

    @Test("a close contact needs a single quarantine room until 7 days after the last exposure")
    func closeContact() throws {
        let person = People.contact()
        let need = try #require(policy.needs(of: person, now: People.now).first)
        #expect(need.purpose == .quarantine)
        #expect(need.facilityKind == .quarantineSite)
        #expect(need.unitTypes == [.quarantineSingleRoom])
        #expect(need.expectedEnd == person.lastExposureAt?.addingTimeInterval(7 * 86_400))
        #expect(need.reason.contains("home health monitoring"))
    }

    @Test("a child under 6 or a dependent elder gets a family room when carers are allowed", arguments: [0, 5, 80, 95])
    func familyRoom(age: Int) {
        #expect(policy.needs(of: People.contact(age: age), now: People.now).first?.unitTypes == [.familyRoom])
    }

    @Test("ages 6 and 79 get a single room; no family rooms when carers are not allowed", arguments: [6, 79])
    func singleRoom(age: Int) {
        #expect(policy.needs(of: People.contact(age: age), now: People.now).first?.unitTypes == [.quarantineSingleRoom])
        var strict = policy
        strict.allowCarers = false
        #expect(strict.needs(of: People.contact(age: 3), now: People.now).first?.unitTypes == [.quarantineSingleRoom])
    }

    @Test("secondary contacts quarantine at home unless the policy centralizes them; companions always at home")
    func secondaryAndCompanion() {
        #expect(policy.needs(of: People.contact(.secondary), now: People.now).isEmpty)
        #expect(policy.needs(of: People.contact(.companion), now: People.now).isEmpty)
        var central = policy
        central.centralizeSecondaryContacts = true
        #expect(central.needs(of: People.contact(.secondary), now: People.now).first?.unitTypes == [.quarantineSingleRoom])
        #expect(central.needs(of: People.contact(.companion), now: People.now).isEmpty)
    }

    @Test("a quarantined person who needs care goes to the yellow-code hospital")
    func care() {
        var person = People.contact()
        person.needsCare = true
        let need = policy.needs(of: person, now: People.now).first
        #expect(need?.purpose == .care)
        #expect(need?.facilityKind == .yellowCodeHospital)
    }

    @Test("quarantine ends only with a negative sample within 48 hours before the end, or after it")
    func releaseTest() {
        var person = People.contact(exposedDaysAgo: 7.5)
        let end = person.lastExposureAt!.addingTimeInterval(7 * 86_400)
        #expect(!policy.quarantineCompleted(person, now: People.now))  // no test
        person.lastNegativeAt = end.addingTimeInterval(-48 * 3600 - 1)
        #expect(!policy.quarantineCompleted(person, now: People.now))  // too early
        person.lastNegativeAt = end.addingTimeInterval(-48 * 3600)
        #expect(policy.quarantineCompleted(person, now: People.now))
        #expect(policy.needs(of: person, now: People.now).isEmpty)
        #expect(!policy.quarantineCompleted(person, now: end.addingTimeInterval(-1)))  // before the end, never
        person.lastNegativeAt = end.addingTimeInterval(3600)
        #expect(policy.quarantineCompleted(person, now: People.now))
    }

    @Test("a contact excluded or released needs nothing; one who became a case keeps quarantine until the case is known")
    func clearances() {
        var person = People.contact()
        person.contactClearance = .excluded
        #expect(policy.needs(of: person, now: People.now).isEmpty)
        person.contactClearance = .released
        #expect(policy.needs(of: person, now: People.now).isEmpty)
        person.contactClearance = .becameCase
        #expect(policy.needs(of: person, now: People.now).first?.purpose == .quarantine)
        // Even past the end with a negative test: the room is kept for the case's bed swap.
        var late = People.contact(exposedDaysAgo: 8)
        late.lastNegativeAt = People.now.addingTimeInterval(-3600)
        late.contactClearance = .becameCase
        #expect(!policy.quarantineCompleted(late, now: People.now))
        #expect(policy.needs(of: late, now: People.now).first?.purpose == .quarantine)
        person.caseId = "case-1"
        person.severity = .mild
        #expect(policy.needs(of: person, now: People.now).map(\.purpose) == [.treatment])
    }
}

@Suite("Waitlist priority: severity, then 一老一少, then waiting time")
struct PriorityTests {
    let policy = AllocationPolicy.default

    @Test("severity first, then the old and the young, then who waited longest, then subject ref")
    func order() throws {
        let need = try #require(policy.needs(of: People.caseOf(.mild), now: People.now).first)
        let early = People.now.addingTimeInterval(-3600)
        var severe = People.caseOf(.severe)
        severe.subjectRef = "z"
        var elder = People.caseOf(.mild, age: 60)
        elder.subjectRef = "y"
        var child = People.caseOf(.mild, age: 5)
        child.subjectRef = "x"
        var adultEarly = People.caseOf(.mild, age: 40)
        adultEarly.subjectRef = "w"
        var adultLate = People.caseOf(.mild, age: 59)
        adultLate.subjectRef = "v"
        let priorities = [
            policy.priority(of: adultLate, for: need, since: People.now),
            policy.priority(of: child, for: need, since: People.now),
            policy.priority(of: severe, for: need, since: People.now),
            policy.priority(of: adultEarly, for: need, since: early),
            policy.priority(of: elder, for: need, since: People.now),
        ]
        #expect(priorities.sorted().map(\.subjectRef) == ["z", "x", "y", "w", "v"])
    }

    @Test("severity ranks: critical > severe > moderate > mild > asymptomatic; care above quarantine")
    func ranks() throws {
        let ranks = [CaseSeverity.critical, .severe, .moderate, .mild, .asymptomatic].map { severity in
            policy.priority(of: People.caseOf(severity), for: policy.needs(of: People.caseOf(severity), now: People.now)[0], since: People.now).severityRank
        }
        #expect(ranks == [5, 4, 3, 2, 1])
        var ill = People.contact()
        ill.needsCare = true
        let care = try #require(policy.needs(of: ill, now: People.now).first)
        let room = try #require(policy.needs(of: People.contact(), now: People.now).first)
        #expect(policy.priority(of: ill, for: care, since: People.now).severityRank > policy.priority(of: People.contact(), for: room, since: People.now).severityRank)
    }
}
