/// Splits CSV bytes into records of fields (RFC 4180), without copying or decoding them.
///
/// Quoted fields may hold separators, newlines and `""` escapes; records end at CRLF or
/// LF (a lone CR too); a quote inside an unquoted field is kept as text. Spaces before an
/// opening quote are allowed. Text other than spaces after a closing quote marks the field
/// ``Field/malformed``.
///
/// Concurrency: a value type used by one reader call.
struct CSVTokenizer {
    /// Where a field's text lies in the body.
    struct Field {
        /// Byte range of the text (inside the quotes when quoted).
        var start: Int
        var end: Int
        /// The text holds `""` pairs that stand for one quote each.
        var escaped: Bool
        /// A quoted field followed by more text before the separator.
        var malformed: Bool
    }

    /// How a call to ``next(into:)`` ended.
    enum Outcome {
        /// A record was read into the fields.
        case record
        /// The body has no more records.
        case end
        /// The last field opened a quote that the body never closes; the fields hold what
        /// was read, and the body ends.
        case unterminatedQuote
    }

    private let bytes: [UInt8]
    private let separator: UInt8
    private var position: Int

    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let space = UInt8(ascii: " ")

    /// Tokenizes `bytes` from `start` (after a byte-order mark).
    init(bytes: [UInt8], start: Int, separator: UInt8) {
        self.bytes = bytes
        self.position = start
        self.separator = separator
    }

    /// Reads the next record into `fields` (cleared first).
    mutating func next(into fields: inout [Field]) -> Outcome {
        fields.removeAll(keepingCapacity: true)
        let count = bytes.count
        guard position < count else { return .end }
        while true {
            var probe = position
            while probe < count, bytes[probe] == Self.space { probe += 1 }
            if probe < count, bytes[probe] == Self.quote {
                position = probe + 1
                let start = position
                var escaped = false
                var end = -1
                while position < count {
                    if bytes[position] == Self.quote {
                        if position + 1 < count, bytes[position + 1] == Self.quote {
                            escaped = true
                            position += 2
                            continue
                        }
                        end = position
                        position += 1
                        break
                    }
                    position += 1
                }
                guard end >= 0 else {
                    fields.append(Field(start: start, end: count, escaped: escaped, malformed: false))
                    return .unterminatedQuote
                }
                var malformed = false
                while position < count {
                    let byte = bytes[position]
                    if byte == separator || byte == Self.lineFeed || byte == Self.carriageReturn { break }
                    if byte != Self.space { malformed = true }
                    position += 1
                }
                fields.append(Field(start: start, end: end, escaped: escaped, malformed: malformed))
            } else {
                let start = position
                while position < count {
                    let byte = bytes[position]
                    if byte == separator || byte == Self.lineFeed || byte == Self.carriageReturn { break }
                    position += 1
                }
                fields.append(Field(start: start, end: position, escaped: false, malformed: false))
            }
            guard position < count else { return .record }
            let terminator = bytes[position]
            position += 1
            if terminator == separator { continue }
            if terminator == Self.carriageReturn, position < count, bytes[position] == Self.lineFeed {
                position += 1
            }
            return .record
        }
    }
}
