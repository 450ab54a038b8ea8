import Foundation
import Testing
@testable import FangyiEvents

@Suite("CloudEvents envelope")
struct EnvelopeTests {
    let time = Date(timeIntervalSince1970: 1_647_246_600.25)
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    func sampleEvent() throws -> CheckIn {
        try #require(EventSamples.minimal.compactMap { $0 as? CheckIn }.first)
    }

    func sampleEnvelope() throws -> EventEnvelope {
        let event = try sampleEvent()
        return try EventEnvelope.make(
            event, id: EventID.derive(CheckIn.self, from: ["venue-1", "scan-42"]), source: "fangyi/simulator",
            time: time, subject: "venue-371502-000871", causationId: "9d3f7a1b-5c2e-5b84-a1d6-4e8c2b7f9a03",
            traceparent: traceparent
        )
    }

    func headerMap(_ envelope: EventEnvelope) -> [String: String] {
        Dictionary(envelope.headers().map { ($0.key, String(decoding: $0.value, as: UTF8.self)) },
                   uniquingKeysWith: { first, _ in first })
    }

    @Test("make writes every CloudEvents binary-mode header")
    func headersWritten() throws {
        let envelope = try sampleEnvelope()
        let headers = headerMap(envelope)
        #expect(envelope.headers().count == headers.count, "no header is written twice")
        #expect(headers["ce_specversion"] == "1.0")
        #expect(headers["ce_id"] == EventID.string(EventID.derive(CheckIn.self, from: ["venue-1", "scan-42"])))
        #expect(headers["ce_id"] == headers["ce_id"]?.lowercased())
        #expect(headers["ce_source"] == "fangyi/simulator")
        #expect(headers["ce_type"] == "fangyi.checkin.recorded.v1")
        #expect(headers["ce_time"] == "2022-03-14T08:30:00.250Z")
        #expect(headers["ce_subject"] == "venue-371502-000871")
        #expect(headers["content-type"] == "application/json")
        #expect(headers["ce_dataschema"] == "https://fangyi.dev/schemas/checkin.recorded.v1.json")
        #expect(headers["traceparent"] == traceparent)
        #expect(headers["fangyi_causationid"] == "9d3f7a1b-5c2e-5b84-a1d6-4e8c2b7f9a03")
    }

    @Test("optional headers are omitted when absent")
    func optionalHeadersOmitted() throws {
        let envelope = try EventEnvelope.make(try sampleEvent(), id: EventID.derive(["x"]), source: "fangyi/test", time: time)
        let names = Set(envelope.headers().map(\.key))
        #expect(names == ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type", "ce_dataschema"])
    }

    @Test("headers and value round-trip to an equal envelope and event")
    func roundTrip() throws {
        let envelope = try sampleEnvelope()
        let parsed = try EventEnvelope(headers: envelope.headers().map { ($0.key, Optional($0.value)) }, value: envelope.data)
        #expect(parsed == envelope)
        #expect(try parsed.decode(CheckIn.self) == sampleEvent())
        #expect(parsed.time == EventTimestamp.roundedToMilliseconds(time))
    }

    @Test("encoding is stable: same bytes every time, keys sorted")
    func stableEncoding() throws {
        let first = try sampleEnvelope().data
        let second = try sampleEnvelope().data
        #expect(first == second)
        let text = String(decoding: first, as: UTF8.self)
        let areaCode = try #require(text.range(of: "\"areaCode\""))
        let venueId = try #require(text.range(of: "\"venueId\""))
        #expect(areaCode.lowerBound < venueId.lowerBound)
        #expect(text.contains("\"checkedInAt\":\"2022-03-10T02:20:00.000Z\""))
    }

    @Test("a missing ce_type names the header", arguments: ["ce_type", "ce_id", "ce_source", "ce_time", "ce_specversion", "content-type", "ce_dataschema"])
    func missingHeader(header: String) throws {
        let error = #expect(throws: EnvelopeError.self) {
            try record(type: CheckIn.eventType, payload: Array("{}".utf8), dropping: [header])
        }
        #expect(error?.code == EnvelopeError.Code.missingHeader)
        #expect(error?.header == header)
        #expect(error?.message.contains(header) == true)
    }

    @Test("a header without a value counts as missing")
    func nullHeader() {
        let error = #expect(throws: EnvelopeError.self) {
            let overrides: [String: String?] = ["ce_id": nil]
            return try record(type: CheckIn.eventType, payload: [], overriding: overrides)
        }
        #expect(error?.code == EnvelopeError.Code.missingHeader)
        #expect(error?.header == "ce_id")
    }

    @Test("invalid attribute values are refused with the header named")
    func invalidHeaders() {
        let cases: [(String, String, String)] = [
            ("ce_specversion", "0.3", EnvelopeError.Code.unsupportedSpecVersion),
            ("ce_time", "2022-03-14 08:30", EnvelopeError.Code.invalidHeader),
            ("content-type", "text/plain", EnvelopeError.Code.unsupportedContentType),
            ("ce_id", "", EnvelopeError.Code.invalidHeader),
            ("ce_subject", "", EnvelopeError.Code.invalidHeader),
            ("fangyi_causationid", "", EnvelopeError.Code.invalidHeader),
        ]
        for (header, value, code) in cases {
            let error = #expect(throws: EnvelopeError.self, "\(header)=\(value)") {
                try record(type: CheckIn.eventType, payload: [], overriding: [header: value])
            }
            #expect(error?.code == code, "\(header)")
            #expect(error?.header == header)
        }
    }

    @Test("content-type parameters are accepted")
    func contentTypeParameters() throws {
        let envelope = try record(type: CheckIn.eventType, payload: [],
                                  overriding: ["content-type": "Application/JSON; charset=utf-8"])
        #expect(envelope.type == CheckIn.eventType)
    }

    @Test("a duplicated attribute header is refused")
    func duplicateHeader() throws {
        let good = try sampleEnvelope()
        var headers = good.headers().map { ($0.key, Optional($0.value)) }
        headers.append(("ce_type", Array("fangyi.alert.issued.v1".utf8)))
        let error = #expect(throws: EnvelopeError.self) { try EventEnvelope(headers: headers, value: good.data) }
        #expect(error?.code == EnvelopeError.Code.duplicateHeader)
        #expect(error?.header == "ce_type")
    }

    @Test("a header that is not UTF-8 is refused")
    func nonUTF8Header() throws {
        let good = try sampleEnvelope()
        var headers = good.headers().map { ($0.key, Optional($0.value)) }.filter { $0.0 != "ce_source" }
        headers.append(("ce_source", [0xFF, 0xFE]))
        let error = #expect(throws: EnvelopeError.self) { try EventEnvelope(headers: headers, value: good.data) }
        #expect(error?.code == EnvelopeError.Code.invalidHeader)
        #expect(error?.header == "ce_source")
    }

    @Test("extension attributes are kept, transport headers ignored, bad traceparent dropped")
    func extensionsAndOtherHeaders() throws {
        let good = try sampleEnvelope()
        var headers = good.headers().map { ($0.key, Optional($0.value)) }.filter { $0.0 != "traceparent" }
        headers.append(("ce_partitionkey", Array("venue-1".utf8)))
        headers.append(("fangyi_dlq_reason", Array("whatever".utf8)))
        headers.append(("traceparent", Array("not-a-trace".utf8)))
        let parsed = try EventEnvelope(headers: headers, value: good.data)
        #expect(parsed.extensions == ["ce_partitionkey": "venue-1"])
        #expect(parsed.traceparent == nil)
        #expect(parsed.headers().contains { $0.key == "ce_partitionkey" })
        #expect(!parsed.headers().contains { $0.key == "fangyi_dlq_reason" })
    }

    @Test("decoding as the wrong type is a type mismatch")
    func typeMismatch() throws {
        let envelope = try sampleEnvelope()
        let error = #expect(throws: EnvelopeError.self) { try envelope.decode(LabResultRecorded.self) }
        #expect(error?.code == EnvelopeError.Code.typeMismatch)
        #expect(error?.header == "ce_type")
        #expect(error?.message.contains(LabResultRecorded.eventType) == true)
        #expect(error?.message.contains(CheckIn.eventType) == true)
    }

    @Test("a payload that is not a JSON object is invalid JSON", arguments: ["not json", "[1,2]", "", "\"text\""])
    func invalidPayload(payload: String) throws {
        let envelope = try record(type: CheckIn.eventType, payload: Array(payload.utf8))
        let error = #expect(throws: EnvelopeError.self) { try envelope.decode(CheckIn.self) }
        #expect(error?.code == EnvelopeError.Code.invalidJSON)
        #expect(error?.eventType == CheckIn.eventType)
    }

    @Test("make validates what it is given")
    func makeValidates() throws {
        let event = try sampleEvent()
        let id = EventID.derive(["x"])
        let emptySource = #expect(throws: EnvelopeError.self) {
            try EventEnvelope.make(event, id: id, source: "", time: time)
        }
        #expect(emptySource?.header == "ce_source")
        let badTrace = #expect(throws: EnvelopeError.self) {
            try EventEnvelope.make(event, id: id, source: "fangyi/test", time: time, traceparent: "00-abc")
        }
        #expect(badTrace?.header == "traceparent")
        let emptySubject = #expect(throws: EnvelopeError.self) {
            try EventEnvelope.make(event, id: id, source: "fangyi/test", time: time, subject: "")
        }
        #expect(emptySubject?.header == "ce_subject")
    }

    @Test("a value JSON cannot represent fails encoding with a clear error")
    func encodingFailure() throws {
        var event = try #require(EventSamples.minimal.compactMap { $0 as? CapacityThresholdCrossed }.first)
        event.occupancyPercent = .nan
        let error = #expect(throws: EnvelopeError.self) {
            try EventEnvelope.make(event, id: EventID.derive(["x"]), source: "fangyi/test", time: time)
        }
        #expect(error?.code == EnvelopeError.Code.encodingFailed)
    }

    @Test("traceparent validation follows W3C Trace Context")
    func traceparentValidation() {
        #expect(EventEnvelope.isValidTraceparent(traceparent))
        #expect(!EventEnvelope.isValidTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"))
        #expect(!EventEnvelope.isValidTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"))
        #expect(!EventEnvelope.isValidTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"))
        #expect(!EventEnvelope.isValidTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        #expect(!EventEnvelope.isValidTraceparent(""))
    }

    @Test("errors describe themselves with code, header and field")
    func errorDescription() {
        let error = EnvelopeError(code: "envelope.missing_field", message: "m", header: "ce_type", field: "/a")
        #expect(error.description == "envelope.missing_field: m [header ce_type] [field /a]")
    }
}
