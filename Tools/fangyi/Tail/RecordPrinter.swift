import FangyiEvents
import FangyiKafka
import Foundation

/// Turns a consumed record into the text `fangyi tail` prints: where it is, its key, its
/// CloudEvents attributes and its payload.
///
/// Payloads of Fangyi events hold only subject refs and sealed contact blobs, so they are shown.
/// Raw lab submissions (and their dead letters) are in the labs' own formats and carry names and
/// national IDs in plain text; their payloads are withheld unless ``revealSubmissions`` is set.
///
/// Concurrency: an immutable `Sendable` value; ``format(_:)`` is pure.
struct RecordPrinter: Sendable {
    /// Topics whose payloads may contain personal data in plain text.
    static let personalDataTopics: Set<String> = [
        TopicCatalog.labSubmissions.name, TopicCatalog.labSubmissionsDeadLetter.name,
    ]

    /// Whether to print payloads of ``personalDataTopics`` too.
    var revealSubmissions = false

    /// The lines for one record.
    func format(_ message: KafkaMessage) -> [String] {
        var lines = ["--- \(message.topic) partition \(message.partition) offset \(message.offset)"]
        var position = "key: \(Self.text(message.key) ?? "(null)")"
        if let milliseconds = message.timestampMilliseconds {
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            position += "  timestamp: \(EventTimestamp.string(from: date))"
        }
        lines.append(position)

        let headers = message.headers
        let value = message.value
        do {
            let envelope = try EventEnvelope(headers: headers.map { ($0.key, $0.value) }, value: value ?? [])
            lines += envelopeLines(envelope)
            let transport = headers.filter { !$0.key.hasPrefix("ce_") && !Self.envelopeHeaders.contains($0.key) }
            if !transport.isEmpty {
                lines.append("other headers:")
                lines += transport.map { "  \($0.key): \(Self.text($0.value) ?? "(null)")" }
            }
        } catch {
            // Raw lab submissions are not events by design: their headers are all there is to show.
            if TopicCatalog.topic(named: message.topic) != TopicCatalog.labSubmissions {
                lines.append("not a Fangyi event: \(error)")
            }
            lines.append(headers.isEmpty ? "headers: (none)" : "headers:")
            lines += headers.map { "  \($0.key): \(Self.text($0.value) ?? "(null)")" }
        }
        lines += payloadLines(value, topic: message.topic, contentType: headers.string(EventEnvelope.Header.contentType))
        return lines
    }

    /// Headers the envelope itself covers (besides `ce_*`).
    private static let envelopeHeaders: Set<String> = [
        EventEnvelope.Header.contentType, EventEnvelope.Header.traceparent, EventEnvelope.Header.causationId,
    ]

    private func envelopeLines(_ envelope: EventEnvelope) -> [String] {
        var attributes: [(String, String)] = [
            ("ce_specversion", EventEnvelope.specVersion), ("content-type", EventEnvelope.contentType),
            ("ce_type", envelope.type), ("ce_id", envelope.id), ("ce_source", envelope.source),
            ("ce_time", EventTimestamp.string(from: envelope.time)),
        ]
        if let subject = envelope.subject { attributes.append(("ce_subject", subject)) }
        attributes.append(("ce_dataschema", envelope.dataSchema))
        if let traceparent = envelope.traceparent { attributes.append(("traceparent", traceparent)) }
        if let causation = envelope.causationId { attributes.append(("fangyi_causationid", causation)) }
        for name in envelope.extensions.keys.sorted() {
            attributes.append((name, envelope.extensions[name] ?? ""))
        }
        return attributes.map { "  \($0.0): \($0.1)" }
    }

    private func payloadLines(_ value: [UInt8]?, topic: String, contentType: String?) -> [String] {
        guard let value else { return ["payload: (null: tombstone)"] }
        if Self.personalDataTopics.contains(topic), !revealSubmissions {
            return ["payload: \(value.count) bytes of \(contentType ?? "unknown type") withheld: raw lab submissions hold personal data (--reveal-submissions shows them)"]
        }
        if let json = JSONPrettyPrinter.format(value) {
            return json.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        if let text = String(validating: value, as: UTF8.self) {
            return ["payload (\(value.count) bytes, not JSON):"] + text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        return ["payload: \(value.count) bytes of binary data, not shown"]
    }

    /// UTF-8 text, or `0x`-prefixed hex for bytes that are not; `nil` for a null value.
    static func text(_ bytes: [UInt8]?) -> String? {
        guard let bytes else { return nil }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return "0x" + bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    /// The string with leading zeros up to `length` characters.
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
