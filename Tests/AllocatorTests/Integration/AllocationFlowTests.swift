@testable import FangyiAllocator
import FangyiEvents
import FangyiService
import FangyiTesting
import Foundation
import Testing

/// A small city: areas A-B-C in a line, D unconnected.
enum Seeds {
    static let areas = [
        AreaSpec(code: "A", adjacent: ["B"]), AreaSpec(code: "B", adjacent: ["A", "C"]),
        AreaSpec(code: "C", adjacent: ["B"]), AreaSpec(code: "D", adjacent: []),
    ]

    static func city(roomsA: Int = 10, roomsB: Int = 10, standbyC: Int = 0, fangcang: Int = 5, icu: Int = 2,
                     ventilators: Int = 2, familyRooms: Int = 0, yellow: Int = 0, standbyLeadHours: Double? = nil) -> Inventory {
        var facilities = [
            FacilitySpec(id: "QS-A", name: "Site A", kind: .quarantineSite, areaCode: "A",
                         units: [.quarantineSingleRoom: roomsA, .familyRoom: familyRooms]),
            FacilitySpec(id: "QS-B", name: "Site B", kind: .quarantineSite, areaCode: "B", units: [.quarantineSingleRoom: roomsB]),
            FacilitySpec(id: "FC-A", name: "Fangcang A", kind: .fangcang, areaCode: "A", units: [.generalBed: fangcang]),
            FacilitySpec(id: "DH-B", name: "Designated B", kind: .designatedHospital, areaCode: "B",
                         units: [.icuBed: icu, .negativePressureBed: 2, .generalBed: 4], ventilators: ventilators, ecmo: 1),
        ]
        if standbyC > 0 {
            facilities.append(FacilitySpec(id: "QS-C", name: "Standby C", kind: .quarantineSite, areaCode: "C", status: .standby,
                                           activationLeadHours: standbyLeadHours, units: [.quarantineSingleRoom: standbyC]))
        }
        if yellow > 0 {
            facilities.append(FacilitySpec(id: "YC-A", name: "Yellow A", kind: .yellowCodeHospital, areaCode: "A", units: [.generalBed: yellow]))
        }
        return Inventory(areas: areas, facilities: facilities)
    }
}

@Suite("Allocation: surge, waitlist, releases, transfers, standby")
struct AllocationFlowTests {
    @Test("a surge larger than capacity fills own area first, then the nearest, and waitlists the rest by priority")
    func surgeAndWaitlist() async throws {
        try await AllocatorHarness.run(seed: Seeds.city(roomsA: 4, roomsB: 3)) { harness in
            let exposed = harness.clock.now.addingTimeInterval(-86_400)
            // Ten close contacts in A; two are elders (priority), arriving last.
            var contacts = (0..<8).map { Inputs.closeContact("p\($0)", area: "A", exposedAt: exposed) }
            try await harness.apply(contacts)
            harness.clock.advance(60)
            try await harness.apply([Inputs.assessment("elder1", at: harness.clock.now, severity: .asymptomatic, age: 75),
                                     Inputs.assessment("elder2", at: harness.clock.now, severity: .asymptomatic, age: 64)])
            contacts = [Inputs.closeContact("elder1", area: "A", exposedAt: exposed), Inputs.closeContact("elder2", area: "A", exposedAt: exposed)]
            try await harness.apply(contacts)

            let active = try await harness.active()
            #expect(active.count == 7)
            let inA = active.values.flatMap { $0 }.filter { $0.facility == "QS-A" }.count
            #expect(inA == 4)
            // The first batch filled A (4) and B (3); one of p0-p7 waits, then the two elders, who
            // come first among equal severity.
            let waiting = try await harness.waitlist(.quarantineSite)
            #expect(waiting.count == 3)
            #expect(Array(waiting.prefix(2)) == ["elder1", "elder2"])
            let waitlisted = try await harness.published(AssignmentWaitlisted.self)
            #expect(waitlisted.count == 3)
            #expect(waitlisted.first { $0.subjectRef == "elder2" }?.position == 2)
            #expect(try await harness.doubleBookings() == 0)

            // Quarantine ends 7 days after exposure; two people test negative on day 7.
            let end = exposed.addingTimeInterval(7 * 86_400)
            harness.clock.set(end.addingTimeInterval(3600))
            let releasing = active.keys.sorted().prefix(2)
            try await harness.apply(releasing.map { Inputs.negative($0, area: "A", collectedAt: end.addingTimeInterval(-3600)) })
            let after = try await harness.active()
            for ref in releasing { #expect(after[ref] == nil) }
            // The freed rooms went to the elders, in order; the third still waits.
            #expect(after["elder1"] != nil)
            #expect(after["elder2"] != nil)
            #expect(try await harness.waitlist(.quarantineSite).count == 1)
            let released = try await harness.published(AssignmentReleased.self)
            #expect(released.filter { $0.releaseReason == .quarantineCompleted }.count == 2)
            #expect(try await harness.doubleBookings() == 0)
        }
    }

    @Test("a quarantine is never released without its negative test, and the schedule releases when the test came before the end")
    func releaseNeedsTest() async throws {
        try await AllocatorHarness.run(seed: Seeds.city()) { harness in
            let exposed = harness.clock.now
            try await harness.apply([Inputs.closeContact("q1", area: "A", exposedAt: exposed),
                                     Inputs.closeContact("q2", area: "A", exposedAt: exposed)])
            let end = exposed.addingTimeInterval(7 * 86_400)
            // q1 tests negative 6 hours before the end (inside the 48 h window); q2 never tests.
            harness.clock.set(end.addingTimeInterval(-6 * 3600))
            try await harness.apply([Inputs.negative("q1", area: "A", collectedAt: end.addingTimeInterval(-6 * 3600))])
            #expect(try await harness.active().count == 2)  // not yet at the end
            // A negative from day 1 is outside the window and counts for nothing.
            try await harness.apply([Inputs.negative("q2", area: "A", collectedAt: exposed.addingTimeInterval(86_400))])
            let released = try await harness.schedule.runOnce(now: end.addingTimeInterval(60))
            #expect(released == 1)
            let active = try await harness.active()
            #expect(active["q1"] == nil)
            #expect(active["q2"] != nil)
            #expect(try await harness.schedule.runOnce(now: end.addingTimeInterval(7200)) == 0)
            #expect(try await harness.database.scalar("""
                SELECT count(*)::int8 FROM assignments WHERE release_reason = 'quarantineCompleted' AND subject_ref = 'q2'
                """) == 0)
        }
    }

    @Test("a mild case escalating to critical moves from fangcang to an ICU bed with a ventilator, and the freed bed serves the waitlist")
    func escalationTransfers() async throws {
        try await AllocatorHarness.run(seed: Seeds.city(fangcang: 1)) { harness in
            let now = harness.clock.now
            try await harness.apply([Inputs.caseOpened("c1", area: "A", at: now, severity: .mild)])
            try await harness.apply([Inputs.caseOpened("c2", area: "A", at: now, severity: .asymptomatic)])
            #expect(try await harness.active()["c1"]?.first?.facility == "FC-A")
            #expect(try await harness.waitlist(.fangcang) == ["c2"])

            harness.clock.advance(3600)
            try await harness.apply([Inputs.assessment("c1", at: harness.clock.now, severity: .critical, age: 70)])
            let active = try await harness.active()
            #expect(active["c1"]?.first?.facility == "DH-B")
            #expect(active["c1"]?.first?.type == UnitType.icuBed.rawValue)
            #expect(active["c2"]?.first?.facility == "FC-A")
            let transfers = try await harness.published(AssignmentTransferred.self)
            #expect(transfers.count == 1)
            #expect(transfers.first?.fromFacilityId == "FC-A")
            #expect(transfers.first?.ventilator == true)
            #expect(try await harness.database.scalar("SELECT ventilators_in_use::int8 FROM facilities WHERE facility_id = 'DH-B'") == 1)
            #expect(try await harness.doubleBookings() == 0)

            // Recovery frees the ICU bed and the ventilator.
            try await harness.apply([Inputs.recovered("c1", area: "A", at: harness.clock.now)])
            #expect(try await harness.active()["c1"] == nil)
            #expect(try await harness.database.scalar("SELECT ventilators_in_use::int8 FROM facilities WHERE facility_id = 'DH-B'") == 0)
        }
    }

    @Test("a critical case with no ICU bed keeps the fangcang bed and waits first in line")
    func escalationWaitsKeepingBed() async throws {
        try await AllocatorHarness.run(seed: Seeds.city(icu: 1, ventilators: 1)) { harness in
            let now = harness.clock.now
            try await harness.apply([Inputs.caseOpened("icu1", area: "B", at: now, severity: .critical)])
            try await harness.apply([Inputs.caseOpened("c3", area: "A", at: now, severity: .moderate)])
            try await harness.apply([Inputs.assessment("c3", at: now.addingTimeInterval(60), severity: .critical)])
            let active = try await harness.active()
            #expect(active["c3"]?.first?.facility == "FC-A")
            #expect(try await harness.waitlist(.designatedHospital) == ["c3"])
            // The ICU bed frees: c3 moves, and the fangcang bed is released in the same step.
            try await harness.apply([Inputs.recovered("icu1", area: "B", at: now.addingTimeInterval(120))])
            #expect(try await harness.active()["c3"]?.first?.facility == "DH-B")
            #expect(try await harness.waitlist(.designatedHospital).isEmpty)
            #expect(try await harness.published(AssignmentTransferred.self).count == 1)
            #expect(try await harness.doubleBookings() == 0)
        }
    }

    @Test("a close contact who becomes a case gives up the room and gets a bed in one step")
    func contactBecomesCase() async throws {
        try await AllocatorHarness.run(seed: Seeds.city()) { harness in
            let now = harness.clock.now
            try await harness.apply([Inputs.closeContact("k1", area: "A", exposedAt: now)])
            let room = try #require(try await harness.active()["k1"]?.first)
            #expect(room.facility == "QS-A")
            try await harness.apply([Inputs.caseOpened("k1", area: "A", at: now.addingTimeInterval(86_400), severity: .mild)])
            let held = try await harness.active()["k1"] ?? []
            #expect(held.count == 1)
            #expect(held.first?.facility == "FC-A")
            let released = try await harness.published(AssignmentReleased.self)
            #expect(released.map(\.releaseReason) == [.transferred])
            #expect(try await harness.published(ResourceAssigned.self).count == 2)
        }
    }

    @Test("children under 6 and dependent elders get family rooms; secondary contacts stay home unless the policy centralizes them; a contact needing care goes to the yellow-code hospital")
    func roomKinds() async throws {
        try await AllocatorHarness.run(seed: Seeds.city(familyRooms: 2, yellow: 1)) { harness in
            let now = harness.clock.now
            try await harness.apply([Inputs.assessment("child", at: now, severity: .asymptomatic, age: 4),
                                     Inputs.assessment("ill", at: now, severity: .mild, needsCare: true)])
            try await harness.apply([Inputs.closeContact("child", area: "A", exposedAt: now),
                                     Inputs.closeContact("second", area: "A", exposedAt: now, tier: .secondary),
                                     Inputs.closeContact("ill", area: "A", exposedAt: now)])
            let active = try await harness.active()
            #expect(active["child"]?.first?.type == UnitType.familyRoom.rawValue)
            #expect(active["second"] == nil)
            #expect(active["ill"]?.first?.facility == "YC-A")
            #expect(active["ill"]?.first?.purpose == AssignmentPurpose.care.rawValue)
        }
        var policy = AllocationPolicy.default
        policy.centralizeSecondaryContacts = true
        try await AllocatorHarness.run(policy: policy, seed: Seeds.city()) { harness in
            try await harness.apply([Inputs.closeContact("second", area: "A", exposedAt: harness.clock.now, tier: .secondary)])
            #expect(try await harness.active()["second"]?.first?.type == UnitType.quarantineSingleRoom.rawValue)
        }
    }

    @Test("quarantine rooms of an area reaching 80% activate the nearest standby site, which opens after its lead time and serves the waitlist")
    func standbyActivation() async throws {
        try await AllocatorHarness.run(seed: Seeds.city(roomsA: 5, roomsB: 0, standbyC: 4, standbyLeadHours: 72)) { harness in
            let now = harness.clock.now
            try await harness.apply((0..<3).map { Inputs.closeContact("s\($0)", area: "A", exposedAt: now) })
            #expect(try await harness.published(StandbyActivated.self).isEmpty)
            try await harness.apply((3..<7).map { Inputs.closeContact("s\($0)", area: "A", exposedAt: now) })
            let activated = try await harness.published(StandbyActivated.self)
            #expect(activated.count == 1)
            #expect(activated.first?.facilityId == "QS-C")
            #expect(activated.first?.readyAt == harness.clock.now.addingTimeInterval(72 * 3600))
            let crossings = try await harness.published(CapacityThresholdCrossed.self).filter { $0.facilityId == "QS-A" }
            #expect(crossings.map(\.thresholdPercent) == [80, 90, 100])  // 60% to 100% in one batch
            #expect(try await harness.waitlist(.quarantineSite).count == 2)
            // Not open before its ready time; open after, and it takes the two waiting.
            _ = try await harness.schedule.runOnce(now: harness.clock.now.addingTimeInterval(71 * 3600))
            #expect(try await harness.waitlist(.quarantineSite).count == 2)
            _ = try await harness.schedule.runOnce(now: harness.clock.now.addingTimeInterval(72 * 3600 + 1))
            #expect(try await harness.waitlist(.quarantineSite).isEmpty)
            #expect(try await harness.active().values.flatMap { $0 }.filter { $0.facility == "QS-C" }.count == 2)
            #expect(try await harness.doubleBookings() == 0)
        }
    }

    @Test("capacity never goes below occupancy; an occupied unit cannot leave service; standing a site down moves its people")
    func inventoryChanges() async throws {
        try await AllocatorHarness.run(seed: Seeds.city(roomsA: 3, roomsB: 3)) { harness in
            let now = harness.clock.now
            try await harness.apply((0..<3).map { Inputs.closeContact("i\($0)", area: "A", exposedAt: now) })
            await #expect(throws: InventoryAdmin.Refusal.self) {
                try await harness.admin.setCapacity(facilityId: "QS-A", unitType: .quarantineSingleRoom, total: 2)
            }
            let unit = try #require(try await harness.active()["i0"]?.first?.unit)
            await #expect(throws: InventoryAdmin.Refusal.self) {
                try await harness.admin.setUnitStatus(facilityId: "QS-A", unitId: unit, status: "cleaning")
            }
            try await harness.admin.setCapacity(facilityId: "QS-A", unitType: .quarantineSingleRoom, total: 5)
            try await harness.admin.setCapacity(facilityId: "QS-A", unitType: .quarantineSingleRoom, total: 3)
            #expect(try await harness.database.scalar("""
                SELECT count(*)::int8 FROM units WHERE facility_id = 'QS-A' AND unit_type = 'quarantineSingleRoom' AND status <> 'retired'
                """) == 3)
            let left = try await harness.admin.standDown(facilityId: "QS-A")
            #expect(left == 0)
            let active = try await harness.active()
            #expect(active.values.flatMap { $0 }.allSatisfy { $0.facility == "QS-B" })
            #expect(try await harness.published(AssignmentTransferred.self).count == 3)
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM facilities WHERE facility_id = 'QS-A' AND status = 'standby'") == 1)
            #expect(try await harness.doubleBookings() == 0)
        }
    }

    @Test("a freed single room goes to the first person waiting for a single room, not held back by a child waiting for a family room")
    func waitlistByUnitType() async throws {
        try await AllocatorHarness.run(seed: Seeds.city(roomsA: 1, roomsB: 0, familyRooms: 1)) { harness in
            let exposed = harness.clock.now
            try await harness.apply([Inputs.assessment("child1", at: exposed, severity: .asymptomatic, age: 3),
                                     Inputs.assessment("child2", at: exposed, severity: .asymptomatic, age: 2)])
            try await harness.apply([Inputs.closeContact("child1", area: "A", exposedAt: exposed),
                                     Inputs.closeContact("adult1", area: "A", exposedAt: exposed)])
            harness.clock.advance(60)
            try await harness.apply([Inputs.closeContact("child2", area: "A", exposedAt: exposed),
                                     Inputs.closeContact("adult2", area: "A", exposedAt: exposed)])
            #expect(try await harness.waitlist(.quarantineSite) == ["child2", "adult2"])
            let end = exposed.addingTimeInterval(7 * 86_400)
            harness.clock.set(end.addingTimeInterval(60))
            try await harness.apply([Inputs.negative("adult1", area: "A", collectedAt: end)])
            #expect(try await harness.active()["adult2"]?.first?.type == UnitType.quarantineSingleRoom.rawValue)
            #expect(try await harness.waitlist(.quarantineSite) == ["child2"])
        }
    }

    @Test("the schedule offers free units to the waitlist (a unit freed while someone was being waitlisted elsewhere is not left empty)")
    func scheduleSweep() async throws {
        try await AllocatorHarness.run(seed: Seeds.city(roomsA: 1, roomsB: 0)) { harness in
            let now = harness.clock.now
            try await harness.apply([Inputs.closeContact("w1", area: "A", exposedAt: now), Inputs.closeContact("w2", area: "A", exposedAt: now)])
            #expect(try await harness.waitlist(.quarantineSite) == ["w2"])
            // Another instance's race, reproduced directly: a room comes free without serving the waitlist.
            try await harness.database.withConnection { connection in
                try await connection.query("UPDATE units SET occupant = NULL", logger: harness.logger)
                try await connection.query("UPDATE assignments SET released_at = now(), release_reason = 'cancelled'", logger: harness.logger)
            }
            _ = try await harness.schedule.runOnce(now: now.addingTimeInterval(60))
            #expect(try await harness.waitlist(.quarantineSite).isEmpty)
            #expect(try await harness.active()["w2"] != nil)
            #expect(try await harness.doubleBookings() == 0)
        }
    }

    @Test("two batches deciding at once for one area: when the nearest site's free rooms are locked by the other, the next site is used, nobody is waitlisted")
    func concurrentBatchesUseTheNextSite() async throws {
        let seed = Inventory(areas: Seeds.areas, facilities: [
            FacilitySpec(id: "QS-A1", name: "A1", kind: .quarantineSite, areaCode: "A", units: [.quarantineSingleRoom: 400]),
            FacilitySpec(id: "QS-A2", name: "A2", kind: .quarantineSite, areaCode: "A", units: [.quarantineSingleRoom: 1000]),
        ])
        try await AllocatorHarness.run(seed: seed) { harness in
            let now = harness.clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for batch in 0..<2 {
                    group.addTask {
                        try await harness.apply((0..<400).map { Inputs.closeContact("b\(batch)-\($0)", area: "A", exposedAt: now) },
                                                label: "batch-\(batch)")
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await harness.active().count == 800)
            #expect(try await harness.waitlist(.quarantineSite).isEmpty)
            #expect(try await harness.published(AssignmentWaitlisted.self).isEmpty)
            #expect(try await harness.doubleBookings() == 0)
        }
    }

    @Test("an age learned while waiting moves the person up the waitlist")
    func reprioritizedWhileWaiting() async throws {
        try await AllocatorHarness.run(seed: Seeds.city(roomsA: 1, roomsB: 0)) { harness in
            let now = harness.clock.now
            try await harness.apply([Inputs.closeContact("x0", area: "A", exposedAt: now)])
            try await harness.apply([Inputs.closeContact("x1", area: "A", exposedAt: now)])
            harness.clock.advance(60)
            try await harness.apply([Inputs.closeContact("x2", area: "A", exposedAt: now)])
            #expect(try await harness.waitlist(.quarantineSite) == ["x1", "x2"])
            try await harness.apply([Inputs.assessment("x2", at: harness.clock.now, severity: .asymptomatic, age: 66)])
            #expect(try await harness.waitlist(.quarantineSite) == ["x2", "x1"])
        }
    }

    @Test("a later exposure moves the quarantine end, and ResourceAssigned is published again with the new end")
    func laterExposureReschedules() async throws {
        try await AllocatorHarness.run(seed: Seeds.city()) { harness in
            let first = harness.clock.now
            try await harness.apply([Inputs.closeContact("e1", area: "A", exposedAt: first)])
            harness.clock.advance(86_400)
            try await harness.apply([Inputs.closeContact("e1", area: "A", exposedAt: first.addingTimeInterval(86_400))])
            let assigned = try await harness.published(ResourceAssigned.self)
            #expect(assigned.count == 2)
            #expect(Set(assigned.map(\.assignmentId)).count == 1)
            #expect(assigned.last?.expectedEnd == first.addingTimeInterval(8 * 86_400))
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM decisions WHERE decision = 'rescheduled'") == 1)
        }
    }

    @Test("invalid events are dead-lettered without failing the batch, and a replayed batch changes nothing")
    func invalidAndReplay() async throws {
        try await AllocatorHarness.run(seed: Seeds.city()) { harness in
            let now = harness.clock.now
            let good = Inputs.closeContact("r1", area: "A", exposedAt: now)
            let bad = Inputs.closeContact("", area: "A", exposedAt: now)
            let messages = try [good, bad].enumerated().map { index, event in
                try EventRecord.consumed(event, id: EventID.derive(["replay", String(index)]), time: now, offset: Int64(index))
            }
            try await harness.processor.apply(messages.map { try InboundEvent(message: $0) })
            try await harness.processor.apply(messages.map { try InboundEvent(message: $0) })
            #expect(try await harness.active().count == 1)
            #expect(try await harness.deadLetters() == 1)
            #expect(try await harness.published(ResourceAssigned.self).count == 1)
        }
    }
}
