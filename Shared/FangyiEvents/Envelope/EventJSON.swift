import Foundation

/// The JSON encoding of event payloads and sealed contact details.
///
/// Output is stable: keys sorted, slashes unescaped, dates as ``EventTimestamp`` strings. The
/// same bytes come out for the same value, which keeps hashes, snapshots and deduplication sane.
/// Decoding ignores unknown keys (schemas evolve by adding optional fields) and accepts any
/// RFC 3339 date-time.
///
/// Concurrency: the coder instances are created once and never mutated afterwards;
/// Foundation's `JSONEncoder`/`JSONDecoder` are `Sendable` and safe to use concurrently when
/// their configuration does not change. They stay private so nobody can reconfigure them.
public enum EventJSON {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(EventTimestamp.string(from: date))
        }
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = EventTimestamp.date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "invalid date-time '\(text.prefix(40))': expected RFC 3339, like 2022-03-14T08:30:00.000Z"
                )
            }
            return date
        }
        return decoder
    }()

    /// Encodes `value` as stable JSON bytes. Throws Foundation's `EncodingError` (only for
    /// values JSON cannot represent, such as a non-finite `Double`). Concurrency: thread-safe.
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        if let writable = value as? any JSONOutputWritable {
            var output = JSONOutput()
            writable.write(to: &output)
            return output.bytes
        }
        return [UInt8](try encoder.encode(value))
    }

    /// Encodes through `JSONEncoder` even when `value` writes its own JSON: the reference the
    /// hand-written forms are checked against. Concurrency: thread-safe.
    public static func encodeWithFoundation(_ value: some Encodable) throws -> [UInt8] {
        [UInt8](try encoder.encode(value))
    }

    /// Decodes `type` from JSON bytes. Throws Foundation's `DecodingError`, whose coding path
    /// names the offending field; ``EventEnvelope/decode(_:)`` turns it into an
    /// ``EnvelopeError``. Concurrency: thread-safe.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        try decoder.decode(type, from: Data(bytes))
    }
}
