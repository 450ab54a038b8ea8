/// Why a Kafka record is not a valid Fangyi event, or why its payload does not decode.
///
/// Carries a stable ``code`` for metrics and dead-letter headers, a human ``message``, and
/// the context: the ``header`` at fault, or the payload ``field`` as a JSON pointer
/// (RFC 6901, like `/targets/0/ct`), and the ``eventType`` involved. Messages never include
/// payload values that could be personal data.
///
/// Concurrency: a `Sendable` value.
public struct EnvelopeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable error codes.
    public enum Code {
        /// A required header is absent or has no value.
        public static let missingHeader = "envelope.missing_header"
        /// A header value is not UTF-8 or not valid for its attribute.
        public static let invalidHeader = "envelope.invalid_header"
        /// A CloudEvents attribute header occurs more than once.
        public static let duplicateHeader = "envelope.duplicate_header"
        /// `ce_specversion` is not `1.0`.
        public static let unsupportedSpecVersion = "envelope.unsupported_specversion"
        /// `content-type` is not `application/json`.
        public static let unsupportedContentType = "envelope.unsupported_content_type"
        /// `ce_type` is not the type the caller asked to decode.
        public static let typeMismatch = "envelope.type_mismatch"
        /// The payload is not JSON, or not a JSON object.
        public static let invalidJSON = "envelope.invalid_json"
        /// A required payload field is absent.
        public static let missingField = "envelope.missing_field"
        /// A payload field has the wrong type or an invalid value (unknown enum value, bad date).
        public static let invalidField = "envelope.invalid_field"
        /// The event could not be encoded (for example a non-finite number).
        public static let encodingFailed = "envelope.encoding_failed"
    }

    /// The stable code, one of ``Code``.
    public var code: String
    /// A human-readable explanation.
    public var message: String
    /// The header at fault, when the problem is a header.
    public var header: String?
    /// The payload field at fault as a JSON pointer, when the problem is in the payload.
    public var field: String?
    /// The event type involved, when known.
    public var eventType: String?

    /// Creates an error. Concurrency: pure.
    public init(code: String, message: String, header: String? = nil, field: String? = nil, eventType: String? = nil) {
        self.code = code
        self.message = message
        self.header = header
        self.field = field
        self.eventType = eventType
    }

    /// `code: message`, plus the header or field. Concurrency: pure.
    public var description: String {
        var text = "\(code): \(message)"
        if let header { text += " [header \(header)]" }
        if let field { text += " [field \(field)]" }
        return text
    }
}

extension EnvelopeError {
    /// Translates a payload `DecodingError` into an error that names the field (also used for
    /// other JSON documents: `eventType` then names the document).
    public static func decoding(_ error: any Error, eventType: String) -> EnvelopeError {
        guard let error = error as? DecodingError else {
            return EnvelopeError(code: Code.invalidJSON, message: "payload of \(eventType) does not decode: \(error)",
                                 eventType: eventType)
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = jsonPointer(context.codingPath + [key])
            return EnvelopeError(code: Code.missingField, message: "required field '\(field)' is missing in \(eventType)",
                                 field: field, eventType: eventType)
        case .valueNotFound(_, let context):
            let field = jsonPointer(context.codingPath)
            return EnvelopeError(code: Code.invalidField, message: "field '\(field)' of \(eventType) is null",
                                 field: field, eventType: eventType)
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty {
                return EnvelopeError(code: Code.invalidJSON, message: "payload of \(eventType) is not a JSON object",
                                     eventType: eventType)
            }
            let field = jsonPointer(context.codingPath)
            return EnvelopeError(code: Code.invalidField,
                                 message: "field '\(field)' of \(eventType) has the wrong type: expected \(type)",
                                 field: field, eventType: eventType)
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return EnvelopeError(code: Code.invalidJSON, message: "payload of \(eventType) is not valid JSON",
                                     eventType: eventType)
            }
            let field = jsonPointer(context.codingPath)
            return EnvelopeError(code: Code.invalidField,
                                 message: "field '\(field)' of \(eventType) is invalid: \(context.debugDescription)",
                                 field: field, eventType: eventType)
        @unknown default:
            return EnvelopeError(code: Code.invalidJSON, message: "payload of \(eventType) does not decode",
                                 eventType: eventType)
        }
    }

    /// A coding path as an RFC 6901 JSON pointer (`/targets/0/ct`).
    static func jsonPointer(_ path: [any CodingKey]) -> String {
        var pointer = ""
        for key in path {
            pointer += "/"
            if let index = key.intValue {
                pointer += String(index)
            } else {
                for character in key.stringValue {
                    switch character {
                    case "~": pointer += "~0"
                    case "/": pointer += "~1"
                    default: pointer.append(character)
                    }
                }
            }
        }
        return pointer
    }
}
