import Foundation
import Testing
@testable import FangyiEvents

@Suite("RFC 3339 timestamps")
struct EventTimestampTests {
    @Test("formats UTC with milliseconds")
    func format() {
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: 1_647_246_600.123)) == "2022-03-14T08:30:00.123Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: 1_647_246_600.9996)) == "2022-03-14T08:30:01.000Z")
    }

    @Test("parses offsets, lowercase separators and any fraction length")
    func parse() {
        let expected = Date(timeIntervalSince1970: 1_647_246_600.123)
        #expect(EventTimestamp.date(from: "2022-03-14T08:30:00.123Z") == expected)
        #expect(EventTimestamp.date(from: "2022-03-14t08:30:00.123z") == expected)
        #expect(EventTimestamp.date(from: "2022-03-14T16:30:00.123+08:00") == expected)
        #expect(EventTimestamp.date(from: "2022-03-14T03:00:00.123-05:30") == expected)
        #expect(EventTimestamp.date(from: "2022-03-14T08:30:00.1234Z") == expected)
        #expect(EventTimestamp.date(from: "2022-03-14T08:30:00.1226Z") == expected)
        #expect(EventTimestamp.date(from: "2022-03-14T08:30:00Z") == Date(timeIntervalSince1970: 1_647_246_600))
        #expect(EventTimestamp.date(from: "2022-03-14T08:30:00.5Z") == Date(timeIntervalSince1970: 1_647_246_600.5))
        #expect(EventTimestamp.date(from: "2024-02-29T00:00:00Z") != nil)
    }

    @Test("rejects what is not an RFC 3339 date-time", arguments: [
        "", "2022-03-14", "2022-03-14T08:30:00", "2022-03-14 08:30:00Z", "2022-02-29T00:00:00Z",
        "2022-13-01T00:00:00Z", "2022-00-01T00:00:00Z", "2022-03-14T24:00:00Z", "2022-03-14T08:60:00Z",
        "2022-03-14T23:59:60Z", "2022-03-14T08:30:00.Z", "2022-03-14T08:30:00+0800", "2022-03-14T08:30:00Z ",
        "22-03-14T08:30:00Z", "2022-03-14T08:30:00+24:00", "２０２２-03-14T08:30:00Z",
    ])
    func rejects(text: String) {
        #expect(EventTimestamp.date(from: text) == nil)
    }

    @Test("agrees with Foundation's ISO 8601 parser and round-trips, across 1900–2100")
    func agreesWithFoundation() throws {
        var generator = SplitMix64(seed: 11643)
        let foundation = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for _ in 0..<2000 {
            let milliseconds = Int64(generator.next() % 6_311_433_600_000) - 2_208_988_800_000
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let text = EventTimestamp.string(from: date)
            let parsed = try #require(EventTimestamp.date(from: text))
            #expect(parsed == date, "\(text)")
            let theirs = try foundation.parse(text)
            #expect(Int64((theirs.timeIntervalSince1970 * 1000).rounded()) == milliseconds, "\(text)")
            // Foundation's formatter truncates, so compare it on a date nudged inside the millisecond.
            #expect(foundation.format(date.addingTimeInterval(0.0002)) == text)
        }
    }

    @Test("rounding to milliseconds makes round trips exact")
    func rounding() {
        let now = Date(timeIntervalSinceReferenceDate: 668_939_400.123_456_7)
        let rounded = EventTimestamp.roundedToMilliseconds(now)
        #expect(EventTimestamp.date(from: EventTimestamp.string(from: now)) == rounded)
        #expect(EventTimestamp.roundedToMilliseconds(rounded) == rounded)
    }

    @Test("years outside 0000–9999 are clamped, never crash")
    func clamping() {
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: 1e15)) == "9999-12-31T23:59:59.999Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: -1e15)) == "0000-01-01T00:00:00.000Z")
        #expect(EventTimestamp.string(from: Date.distantFuture).hasPrefix("4001-01-01"))
    }
}

/// A small deterministic PRNG so property-style tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
