import FangyiEvents
public import FangyiKafka
import Foundation

/// Builds `CheckIn` events as Kafka records for tests: valid CloudEvents
/// envelopes with deterministic ids, keyed by venue.
public enum CheckInFixtures {
    /// Record `index` of a run named `run`: venue `venue-<index % venues>`,
    /// id derived from (run, index) so a re-send carries the same id.
    public static func message(topic: String, run: String, index: Int, venues: Int = 200) throws -> KafkaProducerMessage {
        let checkIn = CheckIn(
            venueId: "venue-\(index % venues)", venueKind: .restaurant, areaCode: "371502",
            subjectRef: "sr_test\(index)", source: .placeCode,
            checkedInAt: Date(timeIntervalSince1970: 1_650_000_000 + Double(index)))
        return try EventRecord.message(checkIn, topic: topic, id: EventID.derive(["test-checkin", run, String(index)]),
                                       time: checkIn.checkedInAt)
    }

    /// Records `range` of run `run`.
    public static func messages(topic: String, run: String, range: Range<Int>, venues: Int = 200) throws -> [KafkaProducerMessage] {
        try range.map { try message(topic: topic, run: run, index: $0, venues: venues) }
    }
}
