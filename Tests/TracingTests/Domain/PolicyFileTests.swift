@testable import FangyiTracing
import FangyiEvents
import Foundation
import Testing

@Suite("TracingPolicy: the policy file's tracing section")
struct PolicyFileTests {
    func parse(_ json: String) throws -> TracingPolicy {
        try TracingPolicy.parse(Data(json.utf8))
    }

    /// The `FileError` parsing `json` throws, or `nil` (recorded as an issue) when it parses.
    func rejection(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) -> TracingPolicy.FileError? {
        #expect(throws: TracingPolicy.FileError.self, sourceLocation: sourceLocation) { try parse(json) }
    }

    @Test("the defaults are DOMAIN.md's values")
    func defaults() {
        let policy = TracingPolicy.default
        #expect(policy.lookBackDays == 4)
        #expect(policy.retentionDays == 28)
        #expect(policy.maximumStay == DomainFixture.hours(24))
        #expect(policy.clockSkew == DomainFixture.minutes(10))
        #expect(policy.minimumFollowUp == DomainFixture.hours(2))
        #expect(policy.utcOffset == DomainFixture.hours(8))
        #expect(policy.releaseMinimumCt == 35)
        #expect(policy.releaseSampleGap == DomainFixture.hours(24))
        #expect(policy.clusterWindowDays == 14)
        #expect(policy.clusterMinimumCases == 2)
        #expect(policy.retestDue == DomainFixture.hours(12))
        #expect(Set(policy.defaultStay.keys) == Set(VenueKind.allCases))
        #expect(Set(policy.venueTier.keys) == Set(VenueKind.allCases))
        #expect(Set(policy.relationTier.keys) == Set(RelationKind.allCases))
    }

    @Test("a file without a tracing section, or with an empty one, gives the defaults")
    func noSection() throws {
        #expect(try parse("{}") == .default)
        #expect(try parse(#"{"intake": {"maxBatch": 500}}"#) == .default)
        #expect(try parse(#"{"tracing": {}}"#) == .default)
    }

    @Test("values in the section override the defaults and leave the rest")
    func overrides() throws {
        let policy = try parse(#"""
            {"tracing": {"lookBackDays": 7, "stayMinutes": {"restaurant": 120}, "venueTier": {"retail": "close"}}}
            """#)
        #expect(policy.lookBackDays == 7)
        #expect(policy.stay(at: .restaurant) == DomainFixture.minutes(120))
        #expect(policy.stay(at: .retail) == DomainFixture.minutes(45))
        #expect(policy.tier(at: .retail) == .close)
        #expect(policy.tier(at: .market) == .companion)
        var expected = TracingPolicy.default
        expected.lookBackDays = 7
        expected.defaultStay[.restaurant] = DomainFixture.minutes(120)
        expected.venueTier[.retail] = .close
        #expect(policy == expected)
    }

    @Test("every scalar key is read, in its unit")
    func allScalars() throws {
        let policy = try parse(#"""
            {"tracing": {"retentionDays": 14, "maximumStayHours": 12, "clockSkewMinutes": 5, "minimumFollowUpMinutes": 90,
             "utcOffsetMinutes": -300, "releaseMinimumCt": 38.5, "releaseSampleGapHours": 48, "clusterWindowDays": 21,
             "clusterMinimumCases": 3, "retestDueHours": 6, "relationTier": {"interviewDeclared": "companion"}}}
            """#)
        #expect(policy.retentionDays == 14)
        #expect(policy.maximumStay == DomainFixture.hours(12))
        #expect(policy.clockSkew == DomainFixture.minutes(5))
        #expect(policy.minimumFollowUp == DomainFixture.minutes(90))
        #expect(policy.utcOffset == .seconds(-300 * 60))
        #expect(policy.releaseMinimumCt == 38.5)
        #expect(policy.releaseSampleGap == DomainFixture.hours(48))
        #expect(policy.clusterWindowDays == 21)
        #expect(policy.clusterMinimumCases == 3)
        #expect(policy.retestDue == DomainFixture.hours(6))
        #expect(policy.tier(for: .interviewDeclared) == .companion)
        #expect(policy.tier(for: .household) == .close)
    }

    @Test("fractional minutes and hours are kept exactly")
    func fractions() throws {
        let policy = try parse(#"{"tracing": {"stayMinutes": {"retail": 22.5}, "maximumStayHours": 1.5}}"#)
        #expect(policy.stay(at: .retail) == .seconds(1350))
        #expect(policy.maximumStay == DomainFixture.minutes(90))
    }

    @Test("range ends are accepted")
    func rangeEnds() throws {
        #expect(try parse(#"{"tracing": {"lookBackDays": 30}}"#).lookBackDays == 30)
        #expect(try parse(#"{"tracing": {"maximumStayHours": 72}}"#).maximumStay == DomainFixture.hours(72))
        #expect(try parse(#"{"tracing": {"utcOffsetMinutes": -720}}"#).utcOffset == DomainFixture.hours(-12))
    }

    @Test("the numbers 0 and 1 are numbers, not booleans", arguments: [
        #"{"tracing": {"lookBackDays": 0}}"#, #"{"tracing": {"lookBackDays": 1}}"#,
        #"{"tracing": {"utcOffsetMinutes": 0}}"#, #"{"tracing": {"clockSkewMinutes": 0}}"#,
        #"{"tracing": {"maximumStayHours": 1}}"#, #"{"tracing": {"retestDueHours": 1.0}}"#,
    ])
    func zeroAndOne(json: String) {
        #expect(throws: Never.self) { try parse(json) }
    }

    @Test("a UTC city (offset 0) and a look-back of 0 days are kept")
    func zeroValues() throws {
        let policy = try parse(#"{"tracing": {"utcOffsetMinutes": 0, "lookBackDays": 0}}"#)
        #expect(policy.utcOffset == .zero)
        #expect(policy.lookBackDays == 0)
    }

    @Test("an unknown key is rejected, naming its path")
    func unknownKey() {
        let error = rejection(#"{"tracing": {"lookbackDays": 7}}"#)
        #expect(error?.code == "policy.invalid")
        #expect(error?.message.contains("/tracing/lookbackDays") == true)
    }

    @Test("an out-of-range number is rejected, naming its path", arguments: [
        (#"{"tracing": {"lookBackDays": 31}}"#, "/tracing/lookBackDays"),
        (#"{"tracing": {"lookBackDays": -1}}"#, "/tracing/lookBackDays"),
        (#"{"tracing": {"retentionDays": 0}}"#, "/tracing/retentionDays"),
        (#"{"tracing": {"maximumStayHours": 73}}"#, "/tracing/maximumStayHours"),
        (#"{"tracing": {"utcOffsetMinutes": 900}}"#, "/tracing/utcOffsetMinutes"),
        (#"{"tracing": {"clusterMinimumCases": 1}}"#, "/tracing/clusterMinimumCases"),
        (#"{"tracing": {"stayMinutes": {"restaurant": 0}}}"#, "/tracing/stayMinutes/restaurant"),
        (#"{"tracing": {"stayMinutes": {"restaurant": 1441}}}"#, "/tracing/stayMinutes/restaurant"),
    ])
    func outOfRange(json: String, path: String) {
        let error = rejection(json)
        #expect(error?.code == "policy.invalid")
        #expect(error?.message.contains(path) == true)
    }

    @Test("a fractional day count is rejected as not whole")
    func notWhole() {
        let error = rejection(#"{"tracing": {"lookBackDays": 4.5}}"#)
        #expect(error?.code == "policy.invalid")
        #expect(error?.message.contains("/tracing/lookBackDays") == true)
        #expect(error?.message.contains("whole") == true)
    }

    @Test("a value of the wrong type is rejected, naming its path", arguments: [
        (#"{"tracing": {"lookBackDays": "4"}}"#, "/tracing/lookBackDays"),
        (#"{"tracing": {"lookBackDays": true}}"#, "/tracing/lookBackDays"),
        (#"{"tracing": {"releaseMinimumCt": null}}"#, "/tracing/releaseMinimumCt"),
        (#"{"tracing": {"stayMinutes": 90}}"#, "/tracing/stayMinutes"),
        (#"{"tracing": {"stayMinutes": {"restaurant": "90"}}}"#, "/tracing/stayMinutes/restaurant"),
        (#"{"tracing": {"stayMinutes": {"restaurant": true}}}"#, "/tracing/stayMinutes/restaurant"),
        (#"{"tracing": {"venueTier": ["close"]}}"#, "/tracing/venueTier"),
    ])
    func wrongType(json: String, path: String) {
        let error = rejection(json)
        #expect(error?.code == "policy.invalid")
        #expect(error?.message.contains(path) == true)
    }

    @Test("secondary is not a tier a venue or a relation can give")
    func secondaryTier() {
        let venue = rejection(#"{"tracing": {"venueTier": {"retail": "secondary"}}}"#)
        #expect(venue?.code == "policy.invalid")
        #expect(venue?.message.contains("/tracing/venueTier/retail") == true)
        let relation = rejection(#"{"tracing": {"relationTier": {"household": "secondary"}}}"#)
        #expect(relation?.code == "policy.invalid")
        #expect(relation?.message.contains("/tracing/relationTier/household") == true)
    }

    @Test("an unknown tier name or venue kind is rejected, naming its path")
    func unknownNames() {
        let tier = rejection(#"{"tracing": {"venueTier": {"retail": "casual"}}}"#)
        #expect(tier?.message.contains("/tracing/venueTier/retail") == true)
        let kind = rejection(#"{"tracing": {"stayMinutes": {"spa": 60}}}"#)
        #expect(kind?.code == "policy.invalid")
        #expect(kind?.message.contains("/tracing/stayMinutes/spa") == true)
    }

    @Test("a tracing section that is not an object is rejected", arguments: [
        #"{"tracing": 5}"#, #"{"tracing": "strict"}"#, #"{"tracing": [1, 2]}"#, #"{"tracing": null}"#,
    ])
    func nonObjectSection(json: String) {
        let error = rejection(json)
        #expect(error?.code == "policy.invalid")
        #expect(error?.message.contains("/tracing") == true)
    }

    @Test("a file that is not a JSON object is rejected")
    func nonObjectRoot() {
        let error = rejection("[]")
        #expect(error?.code == "policy.invalid")
    }

    @Test("load without a path gives the defaults")
    func loadNil() throws {
        #expect(try TracingPolicy.load(path: nil) == .default)
    }

    @Test("load reads a file, and names the file in its errors")
    func loadFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fangyi-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.json")
        try Data(#"{"tracing": {"lookBackDays": 6}}"#.utf8).write(to: good)
        #expect(try TracingPolicy.load(path: good.path).lookBackDays == 6)

        let bad = directory.appendingPathComponent("bad.json")
        try Data(#"{"tracing": {"lookBackDays": 99}}"#.utf8).write(to: bad)
        let invalid = #expect(throws: TracingPolicy.FileError.self) { try TracingPolicy.load(path: bad.path) }
        #expect(invalid?.code == "policy.invalid")
        #expect(invalid?.message.contains(bad.path) == true)
        #expect(invalid?.message.contains("/tracing/lookBackDays") == true)

        let notJSON = directory.appendingPathComponent("not.json")
        try Data("lookBackDays = 6".utf8).write(to: notJSON)
        let garbled = #expect(throws: TracingPolicy.FileError.self) { try TracingPolicy.load(path: notJSON.path) }
        #expect(garbled?.code == "policy.invalid")

        let missing = directory.appendingPathComponent("missing.json").path
        let unreadable = #expect(throws: TracingPolicy.FileError.self) { try TracingPolicy.load(path: missing) }
        #expect(unreadable?.code == "policy.unreadable")
        #expect(unreadable?.message.contains(missing) == true)
    }
}
