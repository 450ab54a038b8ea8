public import Foundation

/// One Fangyi event as a Kafka record in CloudEvents 1.0 *binary* mode: the attributes travel
/// as headers, the record value is the JSON payload (`data`).
///
/// Headers written by ``headers()`` and required by ``init(headers:value:)``:
///
/// | header | attribute | example |
/// |---|---|---|
/// | `ce_specversion` | specversion (always `1.0`) | `1.0` |
/// | `ce_id` | ``id`` (a deterministic UUID, lowercase) | `2ed6657d-e927-568b-95e1-2665a8aea6a2` |
/// | `ce_source` | ``source`` | `fangyi/intake` |
/// | `ce_type` | ``type`` | `fangyi.lab.result.recorded.v1` |
/// | `ce_time` | ``time`` (``EventTimestamp`` format) | `2022-03-14T08:30:00.000Z` |
/// | `content-type` | datacontenttype | `application/json` |
/// | `ce_dataschema` | ``dataSchema`` | `https://fangyi.dev/schemas/lab.result.recorded.v1.json` |
///
/// and, when present, `ce_subject` (``subject``), `traceparent` (W3C Trace Context) and
/// `fangyi_causationid` (``causationId``, the `ce_id` of the event that caused this one).
/// Other `ce_*` headers are kept as CloudEvents extension attributes; all other headers are
/// ignored, so transport headers (dead-letter reasons, for example) do not disturb parsing.
///
/// Concurrency: an immutable `Sendable` value.
public struct EventEnvelope: Sendable, Hashable {
    /// The only CloudEvents version Fangyi speaks.
    public static let specVersion = "1.0"
    /// The payload media type.
    public static let contentType = "application/json"

    /// Header names, as constants so that other modules (dead-letter writers, `fangyi tail`)
    /// spell them the same way.
    public enum Header {
        /// `ce_specversion`.
        public static let specVersion = "ce_specversion"
        /// `ce_id`.
        public static let id = "ce_id"
        /// `ce_source`.
        public static let source = "ce_source"
        /// `ce_type`.
        public static let type = "ce_type"
        /// `ce_time`.
        public static let time = "ce_time"
        /// `ce_subject`.
        public static let subject = "ce_subject"
        /// `ce_dataschema`.
        public static let dataSchema = "ce_dataschema"
        /// `content-type`.
        public static let contentType = "content-type"
        /// `traceparent` (W3C Trace Context).
        public static let traceparent = "traceparent"
        /// `fangyi_causationid`.
        public static let causationId = "fangyi_causationid"
    }

    /// The event id (`ce_id`): unique per ``source``; deterministic so a replay yields the same id.
    public let id: String
    /// Who produced the event (`ce_source`), like `fangyi/intake`.
    public let source: String
    /// The event type (`ce_type`), like `fangyi.lab.result.recorded.v1`.
    public let type: String
    /// When the event happened (`ce_time`), at millisecond precision.
    public let time: Date
    /// What the event is about (`ce_subject`). Never personal data: an id such as a case id.
    public let subject: String?
    /// The URI of the payload's JSON Schema (`ce_dataschema`).
    public let dataSchema: String
    /// The W3C `traceparent` of the trace the event belongs to.
    public let traceparent: String?
    /// The id of the event that caused this one (`fangyi_causationid`).
    public let causationId: String?
    /// Other CloudEvents attributes (`ce_<name>` headers), by header name.
    public let extensions: [String: String]
    /// The JSON payload bytes (the Kafka record value).
    public let data: [UInt8]

    /// Builds the envelope for `event`, encoding its payload as stable JSON.
    ///
    /// - Parameters:
    ///   - id: the event id, normally from ``EventID`` so retries and replays repeat it.
    ///   - source: the producer, like `fangyi/intake`; must not be empty.
    ///   - time: when the event happened; carried at millisecond precision.
    ///   - subject: an optional non-personal id the event is about (for example a case id).
    ///   - causationId: the `ce_id` of the event that caused this one.
    ///   - traceparent: a W3C `traceparent`; must be well-formed when given.
    /// - Throws: ``EnvelopeError`` with code `envelope.invalid_header` for an empty source,
    ///   subject or causation id or a malformed traceparent, or `envelope.encoding_failed`.
    /// Concurrency: thread-safe; callable from any task.
    public static func make<E: FangyiEvent>(
        _ event: E,
        id: UUID,
        source: String,
        time: Date,
        subject: String? = nil,
        causationId: String? = nil,
        traceparent: String? = nil
    ) throws(EnvelopeError) -> EventEnvelope {
        guard !source.isEmpty else {
            throw EnvelopeError(code: EnvelopeError.Code.invalidHeader, message: "the event source must not be empty",
                                header: Header.source, eventType: E.eventType)
        }
        if let subject, subject.isEmpty {
            throw EnvelopeError(code: EnvelopeError.Code.invalidHeader, message: "the subject must be absent or non-empty",
                                header: Header.subject, eventType: E.eventType)
        }
        if let causationId, causationId.isEmpty {
            throw EnvelopeError(code: EnvelopeError.Code.invalidHeader,
                                message: "the causation id must be absent or non-empty",
                                header: Header.causationId, eventType: E.eventType)
        }
        if let traceparent, !isValidTraceparent(traceparent) {
            throw EnvelopeError(code: EnvelopeError.Code.invalidHeader,
                                message: "traceparent is not a W3C trace context (00-<32 hex>-<16 hex>-<2 hex>)",
                                header: Header.traceparent, eventType: E.eventType)
        }
        let data: [UInt8]
        do {
            data = try EventJSON.encode(event)
        } catch {
            throw EnvelopeError(code: EnvelopeError.Code.encodingFailed, message: "cannot encode \(E.eventType): \(error)",
                                eventType: E.eventType)
        }
        return EventEnvelope(
            id: EventID.string(id), source: source, type: E.eventType,
            time: EventTimestamp.roundedToMilliseconds(time), subject: subject,
            dataSchema: E.schemaURI, traceparent: traceparent, causationId: causationId,
            extensions: [:], data: data
        )
    }

    private init(
        id: String, source: String, type: String, time: Date, subject: String?, dataSchema: String,
        traceparent: String?, causationId: String?, extensions: [String: String], data: [UInt8]
    ) {
        self.id = id
        self.source = source
        self.type = type
        self.time = time
        self.subject = subject
        self.dataSchema = dataSchema
        self.traceparent = traceparent
        self.causationId = causationId
        self.extensions = extensions
        self.data = data
    }

    /// The Kafka headers of the record, in a fixed order (required attributes first, then the
    /// optional ones that are present, then extensions sorted by name).
    /// Concurrency: pure.
    public func headers() -> [(key: String, value: [UInt8])] {
        var headers: [(key: String, value: [UInt8])] = []
        headers.reserveCapacity(10 + extensions.count)
        headers.append((Header.specVersion, Self.specVersionBytes))
        headers.append((Header.id, Array(id.utf8)))
        headers.append((Header.source, Array(source.utf8)))
        headers.append((Header.type, Array(type.utf8)))
        headers.append((Header.time, Array(EventTimestamp.string(from: time).utf8)))
        headers.append((Header.contentType, Self.contentTypeBytes))
        headers.append((Header.dataSchema, Array(dataSchema.utf8)))
        if let subject { headers.append((Header.subject, Array(subject.utf8))) }
        if let traceparent { headers.append((Header.traceparent, Array(traceparent.utf8))) }
        if let causationId { headers.append((Header.causationId, Array(causationId.utf8))) }
        for name in extensions.keys.sorted() {
            if let value = extensions[name] { headers.append((name, Array(value.utf8))) }
        }
        return headers
    }

    private static let specVersionBytes = Array(specVersion.utf8)
    private static let contentTypeBytes = Array(contentType.utf8)

    /// Parses a Kafka record's headers and value, validating every required attribute.
    ///
    /// A `traceparent` that is not a valid W3C trace context is dropped, as the W3C
    /// specification asks, rather than rejecting the event.
    /// - Throws: ``EnvelopeError`` naming the header: `envelope.missing_header`,
    ///   `envelope.invalid_header` (not UTF-8, empty, bad `ce_time`), `envelope.duplicate_header`,
    ///   `envelope.unsupported_specversion` or `envelope.unsupported_content_type`.
    /// Concurrency: pure.
    public init(headers: [(key: String, value: [UInt8]?)], value: [UInt8]) throws(EnvelopeError) {
        var specVersion: String?
        var id: String?
        var source: String?
        var type: String?
        var time: String?
        var subject: String?
        var contentType: String?
        var dataSchema: String?
        var traceparent: String?
        var causationId: String?
        var extensions: [String: String] = [:]

        for (name, bytes) in headers {
            func text() throws(EnvelopeError) -> String {
                guard let bytes else {
                    throw EnvelopeError(code: EnvelopeError.Code.missingHeader,
                                        message: "header '\(name)' is present without a value", header: name)
                }
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw EnvelopeError(code: EnvelopeError.Code.invalidHeader,
                                        message: "header '\(name)' is not valid UTF-8", header: name)
                }
                return text
            }
            func duplicate() -> EnvelopeError {
                EnvelopeError(code: EnvelopeError.Code.duplicateHeader,
                              message: "header '\(name)' occurs more than once", header: name)
            }
            // A slot that is already set means the header came twice (a nil-valued header throws at once).
            func take(_ slot: inout String?) throws(EnvelopeError) {
                guard slot == nil else { throw duplicate() }
                slot = try text()
            }
            switch name {
            case Header.specVersion: try take(&specVersion)
            case Header.id: try take(&id)
            case Header.source: try take(&source)
            case Header.type: try take(&type)
            case Header.time: try take(&time)
            case Header.subject: try take(&subject)
            case Header.contentType: try take(&contentType)
            case Header.dataSchema: try take(&dataSchema)
            case Header.traceparent: try take(&traceparent)
            case Header.causationId: try take(&causationId)
            default:
                guard name.hasPrefix("ce_") else { continue }  // transport headers are not attributes
                guard extensions[name] == nil else { throw duplicate() }
                extensions[name] = try text()
            }
        }

        func required(_ value: String?, _ name: String) throws(EnvelopeError) -> String {
            guard let value else {
                throw EnvelopeError(code: EnvelopeError.Code.missingHeader,
                                    message: "required header '\(name)' is missing", header: name)
            }
            guard !value.isEmpty else {
                throw EnvelopeError(code: EnvelopeError.Code.invalidHeader,
                                    message: "header '\(name)' must not be empty", header: name)
            }
            return value
        }

        let version = try required(specVersion, Header.specVersion)
        guard version == Self.specVersion else {
            throw EnvelopeError(code: EnvelopeError.Code.unsupportedSpecVersion,
                                message: "ce_specversion '\(version.prefix(16))' is not supported; expected 1.0",
                                header: Header.specVersion)
        }
        let parsedType = try required(type, Header.type)
        let timeText = try required(time, Header.time)
        guard let parsedTime = EventTimestamp.date(from: timeText) else {
            throw EnvelopeError(code: EnvelopeError.Code.invalidHeader,
                                message: "ce_time '\(timeText.prefix(40))' is not an RFC 3339 date-time",
                                header: Header.time, eventType: parsedType)
        }
        let media = try required(contentType, Header.contentType)
        let mediaType = media.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard mediaType == Self.contentType else {
            throw EnvelopeError(code: EnvelopeError.Code.unsupportedContentType,
                                message: "content-type '\(media.prefix(64))' is not application/json",
                                header: Header.contentType, eventType: parsedType)
        }
        if let subject, subject.isEmpty {
            throw EnvelopeError(code: EnvelopeError.Code.invalidHeader, message: "header 'ce_subject' must not be empty",
                                header: Header.subject, eventType: parsedType)
        }
        if let causationId, causationId.isEmpty {
            throw EnvelopeError(code: EnvelopeError.Code.invalidHeader,
                                message: "header 'fangyi_causationid' must not be empty",
                                header: Header.causationId, eventType: parsedType)
        }

        self.init(
            id: try required(id, Header.id),
            source: try required(source, Header.source),
            type: parsedType,
            time: parsedTime,
            subject: subject,
            dataSchema: try required(dataSchema, Header.dataSchema),
            traceparent: traceparent.flatMap { Self.isValidTraceparent($0) ? $0 : nil },
            causationId: causationId,
            extensions: extensions,
            data: value
        )
    }

    /// Decodes the payload as `E` after checking that ``type`` is `E.eventType`.
    ///
    /// - Throws: ``EnvelopeError`` with code `envelope.type_mismatch`, `envelope.invalid_json`,
    ///   `envelope.missing_field` or `envelope.invalid_field`; the latter two carry the field as a
    ///   JSON pointer.
    /// Concurrency: thread-safe.
    public func decode<E: FangyiEvent>(_: E.Type) throws(EnvelopeError) -> E {
        guard type == E.eventType else {
            throw EnvelopeError(code: EnvelopeError.Code.typeMismatch,
                                message: "record has ce_type '\(type)' but \(E.eventType) was expected",
                                header: Header.type, eventType: type)
        }
        do {
            return try EventJSON.decode(E.self, from: data)
        } catch {
            throw EnvelopeError.decoding(error, eventType: E.eventType)
        }
    }

    /// Whether `value` is a W3C Trace Context `traceparent`: version `00`, a non-zero 32-hex
    /// trace id, a non-zero 16-hex parent id and 2-hex flags, all lowercase.
    /// Concurrency: pure.
    public static func isValidTraceparent(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 55, bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"),
              bytes[52] == UInt8(ascii: "-")
        else { return false }
        func isHex(_ range: Range<Int>) -> Bool {
            bytes[range].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
        }
        func isZero(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { $0 == UInt8(ascii: "0") } }
        return bytes[0] == UInt8(ascii: "0") && bytes[1] == UInt8(ascii: "0")
            && isHex(3..<35) && !isZero(3..<35)
            && isHex(36..<52) && !isZero(36..<52)
            && isHex(53..<55)
    }
}
