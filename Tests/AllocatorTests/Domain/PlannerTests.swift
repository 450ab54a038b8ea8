@testable import FangyiAllocator
import FangyiEvents
import Foundation
import Testing

@Suite("Planner: what to keep, request, transfer and release")
struct PlannerTests {
    let policy = AllocationPolicy.default

    func unit(_ purpose: AssignmentPurpose, _ kind: FacilityKind, _ type: UnitType, ventilator: Bool = false,
              end: Date? = nil, closing: Bool = false) -> HeldUnit {
        HeldUnit(assignmentId: "a-\(purpose.rawValue)", purpose: purpose, facilityId: "F-\(kind.rawValue)", facilityKind: kind,
                 unitId: "u1", unitType: type, ventilator: ventilator, expectedEnd: end, facilityClosing: closing)
    }

    @Test("a unit that still serves is kept and nothing is requested")
    func keep() {
        let needs = policy.needs(of: People.caseOf(.mild), now: People.now)
        let steps = AssignmentPlanner.plan(needs: needs, held: [unit(.treatment, .fangcang, .generalBed)], waiting: [], quarantineCompleted: false)
        #expect(steps.isEmpty)
    }

    @Test("escalation to critical requests an ICU bed that replaces the fangcang bed (kept until then)")
    func escalation() {
        let bed = unit(.treatment, .fangcang, .generalBed)
        let needs = policy.needs(of: People.caseOf(.critical), now: People.now)
        let steps = AssignmentPlanner.plan(needs: needs, held: [bed], waiting: [], quarantineCompleted: false)
        #expect(steps == [.request(needs[0], replacing: bed)])
    }

    @Test("a waiting request for the same units is kept, not repeated")
    func waitingKept() {
        let bed = unit(.treatment, .fangcang, .generalBed)
        let needs = policy.needs(of: People.caseOf(.critical), now: People.now)
        let waiting = WaitingRequest(assignmentId: "w1", need: needs[0], replacesAssignmentId: bed.assignmentId)
        #expect(AssignmentPlanner.plan(needs: needs, held: [bed], waiting: [waiting], quarantineCompleted: false).isEmpty)
    }

    @Test("de-escalation while waiting for an ICU bed cancels the wait and keeps the fangcang bed")
    func deescalationWhileWaiting() {
        let bed = unit(.treatment, .fangcang, .generalBed)
        let critical = policy.needs(of: People.caseOf(.critical), now: People.now)[0]
        let waiting = WaitingRequest(assignmentId: "w1", need: critical, replacesAssignmentId: bed.assignmentId)
        let needs = policy.needs(of: People.caseOf(.mild), now: People.now)
        #expect(AssignmentPlanner.plan(needs: needs, held: [bed], waiting: [waiting], quarantineCompleted: false) == [.cancelWait(waiting)])
    }

    @Test("a contact who becomes a case: the treatment request replaces the room; the room is not released on its own")
    func contactToCase() {
        let room = unit(.quarantine, .quarantineSite, .quarantineSingleRoom)
        var person = People.contact()
        person.caseId = "case-1"
        person.severity = .mild
        person.contactClearance = .becameCase
        let needs = policy.needs(of: person, now: People.now)
        #expect(AssignmentPlanner.plan(needs: needs, held: [room], waiting: [], quarantineCompleted: false) == [.request(needs[0], replacing: room)])
    }

    @Test("no longer needing care: the quarantine room request keeps the care bed until a room is found")
    func careBackToQuarantine() {
        let bed = unit(.care, .yellowCodeHospital, .generalBed)
        let needs = policy.needs(of: People.contact(), now: People.now)
        #expect(AssignmentPlanner.plan(needs: needs, held: [bed], waiting: [], quarantineCompleted: false) == [.request(needs[0], replacing: bed)])
    }

    @Test("release reasons: recovered for treatment, quarantine completed with the test, cancelled otherwise")
    func releases() {
        let bed = unit(.treatment, .fangcang, .generalBed)
        let room = unit(.quarantine, .quarantineSite, .quarantineSingleRoom)
        #expect(AssignmentPlanner.plan(needs: [], held: [bed], waiting: [], quarantineCompleted: false) == [.release(bed, .recovered)])
        #expect(AssignmentPlanner.plan(needs: [], held: [room], waiting: [], quarantineCompleted: true) == [.release(room, .quarantineCompleted)])
        #expect(AssignmentPlanner.plan(needs: [], held: [room], waiting: [], quarantineCompleted: false) == [.release(room, .cancelled)])
    }

    @Test("a later exposure moves the quarantine end")
    func reschedule() {
        let person = People.contact(exposedDaysAgo: 1)
        let needs = policy.needs(of: person, now: People.now)
        let oldEnd = needs[0].expectedEnd!.addingTimeInterval(-86_400)
        let room = unit(.quarantine, .quarantineSite, .quarantineSingleRoom, end: oldEnd)
        #expect(AssignmentPlanner.plan(needs: needs, held: [room], waiting: [], quarantineCompleted: false) == [.reschedule(room, needs[0].expectedEnd!)])
        // Sub-millisecond differences (storage precision) are no change.
        let same = unit(.quarantine, .quarantineSite, .quarantineSingleRoom, end: needs[0].expectedEnd!.addingTimeInterval(0.0004))
        #expect(AssignmentPlanner.plan(needs: needs, held: [same], waiting: [], quarantineCompleted: false).isEmpty)
    }

    @Test("a unit in a closing facility is replaced by a request for the same need")
    func closingFacility() {
        let person = People.contact()
        let needs = policy.needs(of: person, now: People.now)
        let room = unit(.quarantine, .quarantineSite, .quarantineSingleRoom, end: needs[0].expectedEnd, closing: true)
        #expect(AssignmentPlanner.plan(needs: needs, held: [room], waiting: [], quarantineCompleted: false) == [.request(needs[0], replacing: room)])
    }

    @Test("a waitlisted person who no longer needs anything leaves the waitlist")
    func cancelWait() {
        let need = policy.needs(of: People.contact(), now: People.now)[0]
        let waiting = WaitingRequest(assignmentId: "w1", need: need, replacesAssignmentId: nil)
        #expect(AssignmentPlanner.plan(needs: [], held: [], waiting: [waiting], quarantineCompleted: false) == [.cancelWait(waiting)])
    }
}

@Suite("Unit matcher: own area first, nearest next, priority when short")
struct MatcherTests {
    let areas = AreaMap(["A": ["B"], "B": ["C"], "C": [], "D": []])
    let room = Need(purpose: .quarantine, facilityKind: .quarantineSite, unitTypes: [.quarantineSingleRoom], reason: "test")

    func pool(_ id: String, _ area: String, free: Int, type: UnitType = .quarantineSingleRoom, kind: FacilityKind = .quarantineSite,
              ventilators: Int = 0) -> FreePool {
        FreePool(facilityId: id, facilityKind: kind, areaCode: area, unitType: type, free: free, ventilatorsFree: ventilators)
    }

    func request(_ id: String, area: String = "A", rank: Int = 0, need: Need? = nil) -> MatchRequest {
        MatchRequest(id: id, need: need ?? room, areaCode: area,
                     priority: Priority(severityRank: rank, vulnerable: false, since: People.now, subjectRef: id))
    }

    @Test("own area, then one hop, then two, then unconnected areas")
    func nearest() {
        let matcher = UnitMatcher(areas: areas, maximumHops: nil)
        let pools = [pool("D1", "D", free: 1), pool("C1", "C", free: 1), pool("B1", "B", free: 1), pool("A1", "A", free: 1)]
        let (placed, unplaced) = matcher.match((1...5).map { request("r\($0)") }, pools: pools)
        #expect(placed.map(\.facilityId) == ["A1", "B1", "C1", "D1"])
        #expect(placed.map(\.hops) == [0, 1, 2, UnitMatcher.unconnected])
        #expect(unplaced.map(\.id) == ["r5"])
    }

    @Test("when units are short, the highest priority is served even if it arrives last")
    func priority() {
        let matcher = UnitMatcher(areas: areas, maximumHops: nil)
        let (placed, unplaced) = matcher.match([request("low1"), request("low2"), request("high", rank: 4)], pools: [pool("A1", "A", free: 1)])
        #expect(placed.map(\.requestId) == ["high"])
        #expect(unplaced.map(\.id) == ["low1", "low2"])
    }

    @Test("the policy's hop limit keeps people near home")
    func hopLimit() {
        let matcher = UnitMatcher(areas: areas, maximumHops: 1)
        let (placed, unplaced) = matcher.match([request("r1"), request("r2")], pools: [pool("B1", "B", free: 1), pool("C1", "C", free: 5)])
        #expect(placed.map(\.facilityId) == ["B1"])
        #expect(unplaced.count == 1)
    }

    @Test("a preferred unit type wins within a facility distance; a ventilator need skips facilities without one")
    func typesAndVentilators() {
        let matcher = UnitMatcher(areas: areas, maximumHops: nil)
        let severe = Need(purpose: .treatment, facilityKind: .designatedHospital, unitTypes: [.negativePressureBed, .generalBed], reason: "")
        let pools = [pool("H1", "A", free: 3, type: .generalBed, kind: .designatedHospital),
                     pool("H1", "A", free: 1, type: .negativePressureBed, kind: .designatedHospital)]
        let (placed, _) = matcher.match([request("s1", need: severe), request("s2", need: severe)], pools: pools)
        #expect(placed.map(\.unitType) == [.negativePressureBed, .generalBed])

        let critical = Need(purpose: .treatment, facilityKind: .designatedHospital, unitTypes: [.icuBed], ventilator: true, reason: "")
        let icu = [pool("H1", "A", free: 2, type: .icuBed, kind: .designatedHospital, ventilators: 0),
                   pool("H2", "B", free: 2, type: .icuBed, kind: .designatedHospital, ventilators: 1)]
        let (icuPlaced, icuUnplaced) = matcher.match([request("c1", rank: 5, need: critical), request("c2", rank: 5, need: critical)], pools: icu)
        #expect(icuPlaced.map(\.facilityId) == ["H2"])
        #expect(icuUnplaced.count == 1)
    }
}

@Suite("Capacity thresholds with hysteresis")
struct ThresholdTests {
    let thresholds = [80, 90, 100]

    @Test("crossing up at each threshold, several at once when occupancy jumps")
    func up() {
        #expect(ThresholdLevel.next(level: 0, occupancy: 79.9, thresholds: thresholds, hysteresis: 5).crossings.isEmpty)
        let one = ThresholdLevel.next(level: 0, occupancy: 80, thresholds: thresholds, hysteresis: 5)
        #expect(one.level == 80)
        #expect(one.crossings.map(\.threshold) == [80])
        let jump = ThresholdLevel.next(level: 0, occupancy: 100, thresholds: thresholds, hysteresis: 5)
        #expect(jump.level == 100)
        #expect(jump.crossings.map(\.threshold) == [80, 90, 100])
        #expect(jump.crossings.allSatisfy { $0.direction == .up })
    }

    @Test("no flapping: down only after falling the hysteresis below the threshold")
    func down() {
        #expect(ThresholdLevel.next(level: 80, occupancy: 79, thresholds: thresholds, hysteresis: 5).crossings.isEmpty)
        #expect(ThresholdLevel.next(level: 80, occupancy: 75, thresholds: thresholds, hysteresis: 5).crossings.isEmpty)
        let down = ThresholdLevel.next(level: 80, occupancy: 74.9, thresholds: thresholds, hysteresis: 5)
        #expect(down.level == 0)
        #expect(down.crossings.map(\.direction) == [.down])
        let two = ThresholdLevel.next(level: 100, occupancy: 50, thresholds: thresholds, hysteresis: 5)
        #expect(two.crossings.map(\.threshold) == [100, 90, 80])
        #expect(two.level == 0)
        let partial = ThresholdLevel.next(level: 100, occupancy: 88, thresholds: thresholds, hysteresis: 5)
        #expect(partial.crossings.map(\.threshold) == [100])
        #expect(partial.level == 90)
    }

    @Test("occupancy counts in-service units; no in-service units with occupants is full")
    func occupancy() {
        #expect(ThresholdLevel.occupancyPercent(occupied: 8, inService: 10) == 80)
        #expect(ThresholdLevel.occupancyPercent(occupied: 0, inService: 0) == 0)
        #expect(ThresholdLevel.occupancyPercent(occupied: 1, inService: 0) == 100)
    }
}
