import FangyiEvents
import FangyiKafka
import Testing
@testable import fangyi

@Suite("fangyi tail record printing")
struct RecordPrinterTests {
    static let eventHeaders = [
        KafkaHeader(key: "ce_specversion", string: "1.0"),
        KafkaHeader(key: "ce_id", string: "2ed6657d-e927-568b-95e1-2665a8aea6a2"),
        KafkaHeader(key: "ce_source", string: "fangyi/intake"),
        KafkaHeader(key: "ce_type", string: "fangyi.lab.result.recorded.v1"),
        KafkaHeader(key: "ce_time", string: "2022-03-14T08:30:00.000Z"),
        KafkaHeader(key: "content-type", string: "application/json"),
        KafkaHeader(key: "ce_dataschema", string: "https://fangyi.dev/schemas/lab.result.recorded.v1.json"),
        KafkaHeader(key: "fangyi_dlq_error", string: "handler.failed"),
    ]

    @Test("an event shows its position, key, attributes, transport headers and indented payload")
    func event() {
        let message = KafkaMessage(
            topic: "lab.results.v1", partition: 3, offset: 17, key: Array("sr_abc".utf8),
            value: Array(#"{"subjectRef":"sr_abc","ct":34.90}"#.utf8), headers: Self.eventHeaders)
        let lines = RecordPrinter().format(message)
        #expect(lines.first == "--- lab.results.v1 partition 3 offset 17")
        #expect(lines.contains("key: sr_abc"))
        #expect(lines.contains("  ce_type: fangyi.lab.result.recorded.v1"))
        #expect(lines.contains("  ce_time: 2022-03-14T08:30:00.000Z"))
        #expect(lines.contains("  fangyi_dlq_error: handler.failed"))
        #expect(!lines.contains { $0.hasPrefix("not a Fangyi event") })
        #expect(Array(lines.suffix(4)) == ["{", #"  "subjectRef": "sr_abc","#, #"  "ct": 34.90"#, "}"])
    }

    @Test("a record that is not a valid event shows the envelope error and every raw header")
    func invalidEnvelope() {
        let message = KafkaMessage(
            topic: "alerts.v1", partition: 0, offset: 1, key: [0xff, 0x01], value: Array("plain".utf8),
            headers: [KafkaHeader(key: "ce_type", string: "x"), KafkaHeader(key: "empty", value: nil)])
        let lines = RecordPrinter().format(message)
        #expect(lines.contains("key: 0xff01"))
        #expect(lines.contains { $0.hasPrefix("not a Fangyi event: envelope.missing_header") })
        #expect(lines.contains("  ce_type: x"))
        #expect(lines.contains("  empty: (null)"))
        #expect(lines.suffix(2) == ["payload (5 bytes, not JSON):", "plain"])
    }

    @Test("raw lab submissions are withheld unless revealed")
    func submissionsWithheld() {
        let secret = "PID|||110101199003074514||Zhang^San"
        let message = KafkaMessage(
            topic: TopicCatalog.labSubmissions.name, partition: 1, offset: 0, key: Array("lab-7".utf8),
            value: Array(secret.utf8), headers: [KafkaHeader(key: "content-type", string: "application/hl7-v2")])
        let hidden = RecordPrinter().format(message)
        #expect(!hidden.joined(separator: "\n").contains("110101199003074514"))
        #expect(hidden.last?.contains("withheld") == true)
        #expect(!hidden.contains { $0.hasPrefix("not a Fangyi event") }, "submissions are not events by design")
        let shown = RecordPrinter(revealSubmissions: true).format(message)
        #expect(shown.last == secret)
    }
}
