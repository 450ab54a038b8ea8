import FangyiEvents
import FangyiKafka
import FangyiTesting
import Foundation

/// A scripted outbreak: a household, a restaurant, a mahjong parlour, a supermarket and
/// a school class, with two generations of spread. Times are relative to six days ago so
/// everything is inside the check-in retention.
///
/// Phase 0 is the movement data (check-ins, relations); phase 1 the index case's positive
/// (and a positive pool); phase 2 the second generation's positives.
struct Outbreak {
    let t0: Date
    let area = "371502"

    init(now: Date = Date()) {
        let sixDaysAgo = now.addingTimeInterval(-6 * 86_400)
        t0 = Date(timeIntervalSince1970: (sixDaysAgo.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
    }

    func at(_ hours: Double) -> Date { t0.addingTimeInterval(hours * 3600) }

    func checkIn(_ person: String, _ venue: String, _ kind: VenueKind, _ hours: Double, leaving: Double? = nil) -> CheckIn {
        CheckIn(venueId: venue, venueKind: kind, areaCode: area, subjectRef: "sr-\(person)", source: .placeCode,
                checkedInAt: at(hours), leftAt: leaving.map(at))
    }

    func household(_ a: String, _ b: String) -> Relation {
        Relation(kind: .household, subjectRef: "sr-\(a)", otherSubjectRef: "sr-\(b)", validFrom: at(-24 * 365),
                 source: .householdRegistry, recordedAt: at(0))
    }

    func result(_ person: String, _ interpretation: Interpretation, collected: Double, reported: Double, ct: Double? = 22) -> LabResultRecorded {
        LabResultRecorded(
            resultId: "res-\(person)-\(Int(collected))", labId: "lc-001", specimenId: "sp-\(person)-\(Int(collected))", version: 1,
            status: .final, subjectRef: "sr-\(person)", areaCode: area, testKind: .pcr, specimenType: .oropharyngealSwab,
            targets: [TargetResult(target: .orf1ab, ct: ct), TargetResult(target: .n, ct: ct)], interpretation: interpretation,
            isScreeningOnly: false, collectedAt: at(collected), reportedAt: at(reported))
    }

    var checkIns: [CheckIn] {
        [
            // Restaurant: A 12:00 for the default 90 min; B and C overlap; D left before A came.
            checkIn("A", "venue-R", .restaurant, 36), checkIn("B", "venue-R", .restaurant, 36.5),
            checkIn("C", "venue-R", .restaurant, 37), checkIn("D", "venue-R", .restaurant, 34, leaving: 35.5),
            // Mahjong parlour: A and E overlap.
            checkIn("A", "venue-M", .entertainment, 67, leaving: 70), checkIn("E", "venue-M", .entertainment, 68, leaving: 71),
            // Supermarket: F overlaps A, a companion only.
            checkIn("A", "venue-S", .retail, 58), checkIn("F", "venue-S", .retail, 58.25),
            // School: A's child K with classmates L1 and L2; N1 was in class before K's exposure began.
            checkIn("K", "venue-SCH", .school, 56, leaving: 64), checkIn("L1", "venue-SCH", .school, 56, leaving: 64),
            checkIn("L2", "venue-SCH", .school, 57, leaving: 63), checkIn("N1", "venue-SCH", .school, -40, leaving: -32),
        ]
    }

    var relations: [Relation] { [household("A", "H1"), household("A", "K"), household("B", "BH1")] }

    var indexPositive: LabResultRecorded { result("A", .positive, collected: 81, reported: 87) }

    var pool: PoolResultRecorded {
        PoolResultRecorded(poolId: "pool-1", labId: "lc-001", areaCode: area,
                           members: [PoolMember(subjectRef: "sr-X1", specimenId: "sp-x1"), PoolMember(subjectRef: "sr-X2", specimenId: "sp-x2")],
                           interpretation: .positive, collectedAt: at(80), reportedAt: at(86))
    }

    var secondGeneration: [LabResultRecorded] {
        [result("B", .positive, collected: 105, reported: 111), result("E", .positive, collected: 106, reported: 112),
         result("K", .positive, collected: 104, reported: 110)]
    }

    /// The active contacts after phase 1: tier by person.
    static let afterIndexCase: [String: ContactTier] = [
        "sr-H1": .close, "sr-K": .close, "sr-B": .close, "sr-C": .close, "sr-E": .close, "sr-F": .companion,
        "sr-L1": .secondary, "sr-L2": .secondary, "sr-BH1": .secondary,
    ]

    /// The active contacts after phase 2: B, E and K became cases; L1, L2 (K's classmates)
    /// and BH1 (B's household) were upgraded to close.
    static let final: [String: ContactTier] = [
        "sr-H1": .close, "sr-C": .close, "sr-F": .companion, "sr-L1": .close, "sr-L2": .close, "sr-BH1": .close,
    ]

    /// Records for events on their test topics (`topics` maps a catalog topic to the test's).
    static func records<E: KeyedEvent>(_ events: [E], topics: [String: String], run: String) throws -> [KafkaProducerMessage] {
        try events.enumerated().map { index, event in
            try EventRecord.message(event, topic: topics[E.topic.name] ?? E.topic.name,
                                    id: EventID.derive(["outbreak", run, E.eventType, String(index), event.partitionKey]), time: Date())
        }
    }
}
