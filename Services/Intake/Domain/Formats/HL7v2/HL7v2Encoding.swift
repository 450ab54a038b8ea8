/// The delimiters of one HL7 v2 message, as its MSH-1 and MSH-2 declare them.
///
/// Values are split at these characters and their escape sequences (`\F\`, `\S\`,
/// `\T\`, `\R\`, `\E\`, `\P\`, `\Xhh..\`, `\.br\`) are undone leaf by leaf, so a
/// delimiter inside a value must be escaped by the sender; ``escape(_:)`` does the
/// reverse for the values we write into an acknowledgement.
///
/// Concurrency: a value type; `Sendable`.
public struct HL7v2Encoding: Sendable, Equatable {
    /// MSH-1, `|` by convention.
    public var fieldSeparator: Unicode.Scalar
    /// MSH-2 position 1, `^` by convention.
    public var componentSeparator: Unicode.Scalar
    /// MSH-2 position 2, `~` by convention.
    public var repetitionSeparator: Unicode.Scalar
    /// MSH-2 position 3, `\` by convention.
    public var escapeCharacter: Unicode.Scalar
    /// MSH-2 position 4, `&` by convention.
    public var subcomponentSeparator: Unicode.Scalar
    /// MSH-2 position 5 (HL7 v2.7 and later, `#` by convention); absent before 2.7.
    public var truncationCharacter: Unicode.Scalar?

    /// `|^~\&`, the delimiters nearly every sender uses.
    public static let standard = HL7v2Encoding(
        fieldSeparator: "|",
        componentSeparator: "^",
        repetitionSeparator: "~",
        escapeCharacter: "\\",
        subcomponentSeparator: "&",
        truncationCharacter: nil
    )

    /// Creates an encoding from its delimiters.
    public init(
        fieldSeparator: Unicode.Scalar,
        componentSeparator: Unicode.Scalar,
        repetitionSeparator: Unicode.Scalar,
        escapeCharacter: Unicode.Scalar,
        subcomponentSeparator: Unicode.Scalar,
        truncationCharacter: Unicode.Scalar?
    ) {
        self.fieldSeparator = fieldSeparator
        self.componentSeparator = componentSeparator
        self.repetitionSeparator = repetitionSeparator
        self.escapeCharacter = escapeCharacter
        self.subcomponentSeparator = subcomponentSeparator
        self.truncationCharacter = truncationCharacter
    }

    /// MSH-2 as written: the four (or five) delimiters after the field separator.
    public var encodingCharacters: String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: [componentSeparator, repetitionSeparator, escapeCharacter, subcomponentSeparator])
        if let truncationCharacter {
            scalars.append(truncationCharacter)
        }
        return String(scalars)
    }

    /// Reads MSH-1 and MSH-2 from the text after `MSH`; nil when they are missing,
    /// repeated, letters or digits, or line breaks.
    static func declared(in mshRest: Substring.UnicodeScalarView) -> HL7v2Encoding? {
        guard let field = mshRest.first else { return nil }
        let declared = Array(mshRest.dropFirst().prefix { $0 != field })
        guard declared.count == 4 || declared.count == 5 else { return nil }
        let all = [field] + declared
        for (offset, scalar) in all.enumerated() {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || scalar.properties.isWhitespace || scalar.value < 0x20 {
                return nil
            }
            if all[(offset + 1)...].contains(scalar) { return nil }
        }
        return HL7v2Encoding(
            fieldSeparator: field,
            componentSeparator: declared[0],
            repetitionSeparator: declared[1],
            escapeCharacter: declared[2],
            subcomponentSeparator: declared[3],
            truncationCharacter: declared.count == 5 ? declared[4] : nil
        )
    }

    /// Undoes HL7 escape sequences in one leaf value (a component or subcomponent).
    ///
    /// `\H\` and `\N\` (highlighting) are dropped; `\.br\` becomes a line break;
    /// `\Xhh..\` is decoded as UTF-8, or byte by byte as Latin-1 when it is not UTF-8;
    /// any other or unterminated sequence is kept as written.
    func unescape(_ text: Substring) -> String {
        let scalars = text.unicodeScalars
        guard scalars.contains(escapeCharacter) else { return String(text) }
        var output = String.UnicodeScalarView()
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let next = scalars.index(after: index)
            guard scalar == escapeCharacter,
                  let close = scalars[next...].firstIndex(of: escapeCharacter),
                  close > next
            else {
                output.append(scalar)
                index = next
                continue
            }
            let body = String(scalars[next..<close])
            if let replacement = replacement(forEscape: body) {
                output.append(contentsOf: replacement.unicodeScalars)
            } else {
                output.append(contentsOf: scalars[index...close])
            }
            index = scalars.index(after: close)
        }
        return String(output)
    }

    private func replacement(forEscape body: String) -> String? {
        switch body {
        case "F": return String(fieldSeparator)
        case "S": return String(componentSeparator)
        case "T": return String(subcomponentSeparator)
        case "R": return String(repetitionSeparator)
        case "E": return String(escapeCharacter)
        case "P": return truncationCharacter.map { String($0) }
        case "H", "N": return ""
        case ".br": return "\n"
        default:
            guard body.hasPrefix("X") else { return nil }
            return Self.decodeHex(body.dropFirst())
        }
    }

    private static func decodeHex(_ hex: Substring) -> String? {
        let digits = Array(hex.utf8)
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var position = 0
        while position + 1 < digits.count {
            guard let high = hexValue(digits[position]), let low = hexValue(digits[position + 1]) else { return nil }
            bytes.append(high << 4 | low)
            position += 2
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            return text
        }
        var latin1 = String.UnicodeScalarView()
        latin1.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return String(latin1)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Escapes delimiters in `text` so it can be written as one leaf value; line
    /// breaks become `\.br\` because a raw CR would end the segment.
    public func escape(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            let code: String?
            switch scalar {
            case escapeCharacter: code = "E"
            case fieldSeparator: code = "F"
            case componentSeparator: code = "S"
            case subcomponentSeparator: code = "T"
            case repetitionSeparator: code = "R"
            case "\r": code = ".br"
            case "\n": code = previousWasCR ? "" : ".br"
            default: code = scalar == truncationCharacter ? "P" : nil
            }
            guard let code else {
                output.append(scalar)
                continue
            }
            guard !code.isEmpty else { continue }
            output.append(escapeCharacter)
            output.append(contentsOf: code.unicodeScalars)
            output.append(escapeCharacter)
        }
        return String(output)
    }

    /// Splits `text` at every `separator`, keeping empty pieces (HL7 positions count them).
    static func split(_ text: Substring, at separator: Unicode.Scalar) -> [Substring] {
        var pieces: [Substring] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var index = start
        while index < scalars.endIndex {
            if scalars[index] == separator {
                pieces.append(Substring(scalars[start..<index]))
                start = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        pieces.append(Substring(scalars[start..<scalars.endIndex]))
        return pieces
    }
}
