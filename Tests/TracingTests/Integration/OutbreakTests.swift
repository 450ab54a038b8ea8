import FangyiEvents
import FangyiKafka
import FangyiService
import FangyiTesting
@testable import FangyiTracing
import Foundation
import Testing

@Suite("Tracing worker: a scripted outbreak through Kafka and Postgres")
struct OutbreakTests {
    @Test("two generations of spread yield exactly the expected cases, contacts by tier, chain links and clusters")
    func scriptedOutbreak() async throws {
        let outbreak = Outbreak()
        try await TracingHarness.run(label: "outbreak") { harness in
            try await harness.send(outbreak.checkIns, run: "p0")
            try await harness.send(outbreak.relations, run: "p0")
            #expect(try await harness.activeContacts().isEmpty)

            try await harness.send([outbreak.indexPositive], run: "p1")
            try await harness.send([outbreak.pool], run: "p1")
            #expect(try await harness.activeContacts() == Outbreak.afterIndexCase)
            var events = try await harness.published()
            let indexCase = try #require(try events.of(CaseOpened.self).first)
            #expect(indexCase.subjectRef == "sr-A")
            #expect(indexCase.classification == .asymptomatic)
            #expect(indexCase.severity == .unassessed)
            // Asymptomatic: four days before the positive sample, until the report.
            #expect(indexCase.infectiousFrom == outbreak.at(81 - 96))
            #expect(indexCase.infectiousUntil == outbreak.at(87))
            let contacts = try events.of(ContactIdentified.self)
            let restaurant = try #require(contacts.first { $0.subjectRef == "sr-B" })
            #expect(restaurant.tier == .close && restaurant.via == .venue && restaurant.venueId == "venue-R")
            #expect(restaurant.exposureFrom == outbreak.at(36.5) && restaurant.exposureUntil == outbreak.at(37.5))
            #expect(restaurant.lastExposureAt == outbreak.at(37.5))
            #expect(restaurant.followUpDeadline > restaurant.identifiedAt)
            let classmate = try #require(contacts.first { $0.subjectRef == "sr-L1" })
            let child = try #require(contacts.first { $0.subjectRef == "sr-K" })
            #expect(classmate.tier == .secondary && classmate.viaContactId == child.contactId && classmate.sourceCaseId == indexCase.caseId)
            let retests = try events.of(RetestOrdered.self)
            #expect(Set(retests.map(\.subjectRef)) == ["sr-X1", "sr-X2"])
            #expect(retests.allSatisfy { $0.reason == .poolPositive && $0.poolId == "pool-1" })
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM cases") == 1, "pool members are not cases")

            try await harness.send(outbreak.secondGeneration, run: "p2")
            #expect(try await harness.activeContacts() == Outbreak.final)
            events = try await harness.published()
            let cases = try events.of(CaseOpened.self)
            #expect(Set(cases.map(\.subjectRef)) == ["sr-A", "sr-B", "sr-E", "sr-K"])
            let links = try events.of(CaseLinked.self)
            #expect(Set(links.map { "\($0.subjectRef)<-\($0.via.rawValue)" }) == ["sr-B<-venue", "sr-E<-venue", "sr-K<-household"])
            #expect(links.allSatisfy { $0.sourceCaseId == indexCase.caseId })
            #expect(Set(links.map(\.chainId)).count == 1)
            let clusters = try events.of(ClusterDetected.self)
            #expect(clusters.count == 3)
            #expect(Set(clusters.map { $0.venueId ?? $0.via.rawValue }) == ["venue-R", "venue-M", "household"])
            #expect(clusters.allSatisfy { $0.caseIds.count == 2 && $0.areaCode == outbreak.area })
            let cleared = try events.of(ContactCleared.self)
            #expect(Set(cleared.map(\.subjectRef)) == ["sr-B", "sr-E", "sr-K"] && cleared.allSatisfy { $0.clearance == .becameCase })
            // L1 was upgraded, not duplicated: one contact id, published once per tier.
            let l1 = try events.of(ContactIdentified.self).filter { $0.subjectRef == "sr-L1" }
            #expect(l1.map(\.tier) == [.secondary, .close])
            #expect(Set(l1.map(\.contactId)).count == 1)
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM contacts WHERE subject_ref = 'sr-L1'") == 1)
            // Every event id is published once.
            #expect(Set(events.map(\.id)).count == events.count)
        }
    }

    @Test("a check-in uploaded after the positive produces the missing contact; so does the case's own late check-in")
    func lateCheckIns() async throws {
        let outbreak = Outbreak()
        try await TracingHarness.run(label: "late") { harness in
            try await harness.send([outbreak.checkIn("A", "venue-R", .restaurant, 36), outbreak.checkIn("W", "venue-V2", .restaurant, 50)], run: "p0")
            try await harness.send([outbreak.indexPositive], run: "p1")
            #expect(try await harness.activeContacts().isEmpty)
            // Z's scan at the restaurant reaches the system a day late.
            try await harness.send([outbreak.checkIn("Z", "venue-R", .restaurant, 37)], run: "late-z")
            #expect(try await harness.activeContacts() == ["sr-Z": .close])
            // A's own visit to V2 is uploaded late: W, who was there, is found then.
            try await harness.send([outbreak.checkIn("A", "venue-V2", .restaurant, 50.5)], run: "late-a")
            #expect(try await harness.activeContacts() == ["sr-Z": .close, "sr-W": .close])
            // A visit outside the window (after isolation) finds no one.
            try await harness.send([outbreak.checkIn("Y", "venue-R", .restaurant, 90)], run: "late-y")
            #expect(try await harness.activeContacts().count == 2)
            // A replayed check-in (same content, new event id) changes nothing.
            try await harness.send([outbreak.checkIn("Z", "venue-R", .restaurant, 37)], run: "replay")
            #expect(try await harness.published().of(ContactIdentified.self).count == 2)
        }
    }

    @Test("a later exposure at the same tier republishes the contact with the later last exposure; an earlier one does not")
    func laterExposureExtends() async throws {
        let outbreak = Outbreak()
        try await TracingHarness.run(label: "extend") { harness in
            // C shares a table with A at hour 37 and a later one with Q at hour 60.
            try await harness.send([outbreak.checkIn("A", "venue-R", .restaurant, 36), outbreak.checkIn("C", "venue-R", .restaurant, 37),
                                    outbreak.checkIn("Q", "venue-Y", .restaurant, 60), outbreak.checkIn("C", "venue-Y", .restaurant, 60.5)],
                                   run: "p0")
            try await harness.send([outbreak.indexPositive], run: "p1")
            try await harness.send([outbreak.result("Q", .positive, collected: 81, reported: 87)], run: "p2")
            var published = try await harness.published().of(ContactIdentified.self).filter { $0.subjectRef == "sr-C" }
            #expect(published.map(\.tier) == [.close, .close])
            #expect(Set(published.map(\.contactId)).count == 1, "the same contact, not a second one")
            #expect(published.map(\.lastExposureAt) == [outbreak.at(37.5), outbreak.at(61.5)])
            #expect(published.last?.exposureFrom == outbreak.at(37), "the window keeps the first exposure")
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM contacts WHERE subject_ref = 'sr-C'") == 1)

            // The same finding again (a re-trace) is not later: nothing new.
            try await harness.send([outbreak.checkIn("C", "venue-Y", .restaurant, 60.5)], run: "replay")
            published = try await harness.published().of(ContactIdentified.self).filter { $0.subjectRef == "sr-C" }
            #expect(published.count == 2)
        }
    }

    @Test("a secondary contact who tests positive first is linked to the source case but forms no cluster with it")
    func secondaryBecomesCaseFirst() async throws {
        let outbreak = Outbreak()
        try await TracingHarness.run(label: "secondary-first") { harness in
            try await harness.send(outbreak.checkIns, run: "p0")
            try await harness.send(outbreak.relations, run: "p0")
            try await harness.send([outbreak.indexPositive], run: "p1")
            // BH1 (B's household, a secondary contact through B) is positive before B is.
            try await harness.send([outbreak.result("BH1", .positive, collected: 100, reported: 106)], run: "p2")
            let events = try await harness.published()
            let index = try #require(try events.of(CaseOpened.self).first { $0.subjectRef == "sr-A" })
            let link = try #require(try events.of(CaseLinked.self).first { $0.subjectRef == "sr-BH1" })
            #expect(link.sourceCaseId == index.caseId && link.via == .household)
            #expect(try events.of(ClusterDetected.self).isEmpty, "A and BH1 never shared a household or venue")
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM cluster_cases") == 0)
        }
    }

    @Test("symptoms and severity reclassify a case; two qualifying negatives 24 h apart release it")
    func reclassifyAndRecover() async throws {
        let outbreak = Outbreak()
        try await TracingHarness.run(label: "recover") { harness in
            try await harness.send([outbreak.indexPositive], run: "p1")
            let assessment = ClinicalAssessment(
                assessmentId: "as-1", subjectRef: "sr-A", facilityId: "hosp-1", assessedAt: outbreak.at(90), symptomatic: true,
                symptomOnset: outbreak.at(60), severity: .moderate, discharged: false, needsCare: true, ageYears: 71)
            try await harness.send([assessment], run: "a1")
            let reclassified = try await harness.published().of(CaseReclassified.self)
            #expect(reclassified.count == 1)
            #expect(reclassified.first?.previousClassification == .asymptomatic)
            #expect(reclassified.first?.classification == .confirmed && reclassified.first?.severity == .moderate)
            // Onset before the sample moves the window's start to four days before onset.
            #expect(try await harness.database.scalar("""
                SELECT extract(epoch FROM infectious_from)::int8 FROM cases WHERE subject_ref = 'sr-A'
                """) == Int(outbreak.at(60 - 96).timeIntervalSince1970))

            // Intake calls a Ct of 35-40 inconclusive; for an open case it is a release-quality
            // sample, and it orders no retest.
            try await harness.send([outbreak.result("A", .inconclusive, collected: 100, reported: 101, ct: 37),
                                    outbreak.result("A", .negative, collected: 123, reported: 124, ct: 38)], run: "n1")
            #expect(try await harness.published().of(RetestOrdered.self).isEmpty)
            #expect(try await harness.published().of(CaseRecovered.self).isEmpty, "23 h apart is not enough")
            try await harness.send([outbreak.result("A", .negative, collected: 124.5, reported: 125, ct: nil)], run: "n2")
            let recovered = try await harness.published().of(CaseRecovered.self)
            #expect(recovered.map(\.releaseResultIds) == [["res-A-100", "res-A-124"]])
        }
    }

    @Test("malformed and invalid inputs go to the dead-letter topic with the error named; the rest is applied")
    func deadLetters() async throws {
        let outbreak = Outbreak()
        try await TracingHarness.run(label: "dlq") { harness in
            let topic = try #require(harness.topics[TopicCatalog.checkIns.name])
            var bad = try Outbreak.records([outbreak.checkIn("Q", "venue-R", .restaurant, 40, leaving: 39)], topics: harness.topics, run: "bad")
            var garbage = try Outbreak.records([outbreak.checkIn("Q2", "venue-R", .restaurant, 40)], topics: harness.topics, run: "garbage")
            garbage[0].value = Array("{\"venueId\": 7".utf8)
            let good = try Outbreak.records([outbreak.checkIn("G", "venue-R", .restaurant, 41)], topics: harness.topics, run: "good")
            bad += garbage
            try await harness.send(bad + good)
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM checkins") == 1)
            #expect(harness.processor.statistics.deadLettered == 2)
            // Both dead-letter records reach the topic, with the origin and the reason in headers.
            let consumer = try KafkaConsumer(
                configuration: harness.kafka.consumerConfiguration(group: "dlq-reader.\(harness.kafka.suffix)"),
                topics: [Topic.deadLetterTopic(forGroup: harness.group).name], logger: harness.kafka.logger)
            let dead = try await consumer.read { $0.count >= 2 }
            await consumer.close()
            let codes = Set(dead.compactMap { $0.headers.first { $0.key == DeadLetter.Header.errorCode }?.stringValue })
            #expect(codes.contains("tracing.invalid_event"), "\(codes)")
            #expect(codes.count == 2, "\(codes)")
            #expect(dead.allSatisfy { $0.headers.contains { $0.key == DeadLetter.Header.originTopic && $0.stringValue == topic } })
        }
    }
}
