import FangyiEvents
@testable import FangyiNotifier
import FangyiService
import FangyiTesting
import Foundation
import Testing

@Suite("Notifier flows against Postgres", .serialized)
struct NotifierFlowTests {
    let area = "371502"

    @Test("risk levels from events: 9 community cases medium, the 10th high; cases found in quarantine do not count")
    func riskFromCases() async throws {
        try await NotifierHarness.run { harness in
            let t = NotifierHarness.start
            try await harness.apply((1...9).map { Facts.caseOpened($0, area: area, at: t.addingTimeInterval(Double($0))) })
            #expect(try await harness.level(area) == .medium)
            // Five infections among close contacts already in quarantine rooms (found in quarantine).
            try await harness.apply((20...24).map { Facts.contact($0, area: area, at: t) })
            try await harness.apply((20...24).map { Facts.assigned($0, at: t.addingTimeInterval(600)) })
            try await harness.apply((20...24).map { Facts.caseOpened($0, area: area, at: t.addingTimeInterval(3600)) })
            #expect(try await harness.level(area) == .medium)
            // A case whose placement arrives only after it (another topic): judged again when it does.
            try await harness.apply([Facts.caseOpened(30, area: area, at: t.addingTimeInterval(3600))])
            #expect(try await harness.level(area) == .high)
            try await harness.apply([Facts.assigned(30, at: t.addingTimeInterval(1800))])
            #expect(try await harness.level(area) == .medium)
            try await harness.apply([Facts.caseOpened(10, area: area, at: t.addingTimeInterval(7200))])
            #expect(try await harness.level(area) == .high)
            let changes = try await harness.alerts().filter { $0.kind == .riskLevelChanged }
            #expect(changes.filter { $0.audience == .public }.map(\.riskLevel) == [.medium, .high, .medium, .high])
            #expect(changes.allSatisfy { $0.subjectRef == nil && $0.areaCode == area })
            let publicHigh = try #require(changes.last { $0.audience == .public })
            #expect(publicHigh.severity == .critical)
            #expect(publicHigh.title.en.contains("high") && publicHigh.title.zh.contains("高风险"))
        }
    }

    @Test("one cluster is medium, two are high; suspected cases do not count")
    func riskFromClusters() async throws {
        try await NotifierHarness.run { harness in
            let t = NotifierHarness.start
            try await harness.apply([Facts.caseOpened(1, area: area, at: t, classification: .suspected)])
            #expect(try await harness.level(area) == .low)
            try await harness.apply([Facts.cluster("cl-1", area: area, at: t)])
            #expect(try await harness.level(area) == .medium)
            try await harness.apply([Facts.cluster("cl-2", area: area, at: t.addingTimeInterval(60))])
            #expect(try await harness.level(area) == .high)
        }
    }

    @Test("an area falls to low at the day boundary 14 days after its last case, with no event (schedule)")
    func dayBoundary() async throws {
        try await NotifierHarness.run { harness in
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = harness.settings.policy.timeZone
            let caseTime = try #require(calendar.date(from: DateComponents(year: 2022, month: 3, day: 1, hour: 10)))
            harness.clock.set(caseTime)
            try await harness.apply([Facts.caseOpened(1, area: area, at: caseTime)])
            #expect(try await harness.level(area) == .medium)
            let day14 = try #require(calendar.date(from: DateComponents(year: 2022, month: 3, day: 15, hour: 23, minute: 59)))
            try await harness.schedule.runOnce(now: day14)
            #expect(try await harness.level(area) == .medium)
            let day15 = try #require(calendar.date(from: DateComponents(year: 2022, month: 3, day: 16, hour: 0, minute: 1)))
            try await harness.schedule.runOnce(now: day15)
            #expect(try await harness.level(area) == .low)
            let last = try #require(try await harness.alerts().last { $0.kind == .riskLevelChanged && $0.audience == .public })
            #expect(last.riskLevel == .low)
            #expect(last.body.en.contains("medium"))
        }
    }

    @Test("the 2020 rule: over 50 cumulative cases and a cluster make an area high")
    func rule2020() async throws {
        var policy = NotifierPolicy.default
        policy.riskRule = .rule2020
        try await NotifierHarness.run(policy: policy) { harness in
            let t = NotifierHarness.start
            try await harness.apply((1...51).map { Facts.caseOpened($0, area: area, at: t.addingTimeInterval(Double($0))) })
            #expect(try await harness.level(area) == .medium)
            try await harness.apply([Facts.cluster("cl-1", area: area, at: t.addingTimeInterval(100))])
            #expect(try await harness.level(area) == .high)
        }
    }

    @Test("a replayed batch issues nothing twice")
    func replay() async throws {
        try await NotifierHarness.run { harness in
            let events = [Facts.caseOpened(1, area: area, at: NotifierHarness.start)]
            let messages = try events.map {
                try EventRecord.consumed($0, id: EventID.derive(["replay"]), time: harness.clock.now, offset: 0)
            }
            try await harness.processor.apply(messages.map { try InboundEvent(message: $0) })
            try await harness.processor.apply(messages.map { try InboundEvent(message: $0) })
            let alerts = try await harness.alerts()
            #expect(alerts.filter { $0.kind == .caseReported }.count == 1)
            #expect(Set(alerts.map(\.alertId)).count == alerts.count)
        }
    }

    @Test("a flood of new contacts in one area and minute: every alert published, 5 pushed one by one, the rest in one digest")
    func digest() async throws {
        try await NotifierHarness.run { harness in
            let t = NotifierHarness.start
            _ = try await harness.subscribe(url: "https://grid.example/hook", filter: AlertFilter(audiences: [.grid]))
            try await harness.apply((1...30).map { Facts.contact($0, area: area, at: t) })
            try await harness.apply((31...42).map { Facts.contact($0, area: area, at: t) })
            var grid = try await harness.alerts().filter { $0.audience == .grid }
            // The complete record: every task is on alerts.v1 and in the list.
            #expect(grid.filter { $0.kind == .contactIdentified }.count == 42)
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM alerts WHERE held") == 37)
            // Pushed: the first 5 only.
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM deliveries") == 5)
            // Orders to the persons themselves are never held back.
            #expect(try await harness.alerts().filter { $0.kind == .quarantineOrder }.count == 42)
            // Another area is counted on its own.
            try await harness.apply([Facts.contact(99, area: "371503", at: t)])
            try await harness.schedule.runOnce(now: harness.clock.now)
            #expect(try await harness.alerts().filter { $0.kind == .digest }.isEmpty)
            harness.clock.advance(61)
            try await harness.schedule.runOnce(now: harness.clock.now)
            grid = try await harness.alerts().filter { $0.audience == .grid }
            let digest = try #require(grid.first { $0.kind == .digest })
            #expect(digest.count == 37)
            #expect(digest.digestOf == .contactIdentified)
            #expect(digest.areaCode == area)
            #expect(digest.body.en.contains("37"))
            try await harness.schedule.runOnce(now: harness.clock.now.addingTimeInterval(120))
            #expect(try await harness.alerts().filter { $0.kind == .digest }.count == 1)
            // The first 5, the other area's contact, and the digest.
            // (The contacts' deadlines passed meanwhile: their overdue alerts are pushed too, not counted here.)
            let deliveries = try await harness.database.scalar("""
                SELECT count(*)::int8 FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq WHERE a.kind IN ('contactIdentified', 'digest')
                """)
            #expect(deliveries == 7, "the digest is pushed (\(deliveries) deliveries)")
        }
    }

    @Test("a case stamped hours ahead of the clock is refused (dead-lettered, naming the field); one a minute ahead is taken")
    func futureCase() async throws {
        try await NotifierHarness.run { harness in
            let now = harness.clock.now
            try await harness.apply([Facts.caseOpened(1, area: area, at: now.addingTimeInterval(6 * 3600)),
                                     Facts.caseOpened(2, area: area, at: now.addingTimeInterval(60))])
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM fangyi_outbox WHERE event_id = ''") == 1)
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM cases") == 1)
            #expect(try await harness.level(area) == .medium)
        }
    }

    @Test("a close contact not placed by the deadline raises followUpOverdue once; a placed one does not")
    func followUpOverdue() async throws {
        try await NotifierHarness.run { harness in
            let t = NotifierHarness.start
            try await harness.apply([Facts.contact(1, area: area, at: t, deadline: t.addingTimeInterval(3600)),
                                     Facts.contact(2, area: area, at: t, deadline: t.addingTimeInterval(3600))])
            // Person 3 is placed before their contact event arrives (another topic, other order).
            try await harness.apply([Facts.assigned(3, at: t.addingTimeInterval(600))])
            try await harness.apply([Facts.assigned(2, at: t.addingTimeInterval(600)),
                                     Facts.contact(3, area: area, at: t, deadline: t.addingTimeInterval(3600))])
            // Past the deadline but within the grace period for placements on their way: quiet.
            try await harness.schedule.runOnce(now: t.addingTimeInterval(3700))
            #expect(try await harness.alerts().filter { $0.kind == .followUpOverdue }.isEmpty)
            try await harness.schedule.runOnce(now: t.addingTimeInterval(3600 + 301))
            try await harness.schedule.runOnce(now: t.addingTimeInterval(3600 + 400))
            let overdue = try await harness.alerts().filter { $0.kind == .followUpOverdue }
            #expect(overdue.count == 2)
            #expect(Set(overdue.map(\.refs)) == [["contact-1"]])
            #expect(overdue.first { $0.audience == .grid }?.subjectRef == Facts.ref(1))
            #expect(overdue.first { $0.audience == .healthAuthority }?.subjectRef == nil)
        }
    }

    @Test("invalid facts are dead-lettered alone; the rest of the batch is applied")
    func invalidFact() async throws {
        try await NotifierHarness.run { harness in
            try await harness.apply([Facts.caseOpened(1, area: "37-15", at: NotifierHarness.start),
                                     Facts.caseOpened(2, area: area, at: NotifierHarness.start)])
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM fangyi_outbox WHERE event_id = ''") == 1)
            #expect(try await harness.alerts().filter { $0.kind == .caseReported }.map(\.refs.first) == ["case-2"])
        }
    }
}
