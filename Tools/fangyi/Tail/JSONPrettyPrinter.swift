import Foundation

/// Re-indents JSON text without re-encoding it: keys keep their order and numbers keep their
/// exact digits (a Ct of `34.90` stays `34.90`), which a parse-and-serialise round trip would
/// not guarantee.
///
/// Concurrency: pure functions.
enum JSONPrettyPrinter {
    /// `bytes` indented by two spaces per level, or `nil` when they are not valid JSON.
    static func format(_ bytes: [UInt8]) -> String? {
        guard (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil else {
            return nil
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        var depth = 0
        var inString = false
        var escaped = false
        var index = 0

        func newline() {
            output.append(UInt8(ascii: "\n"))
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
        }
        // The next byte that is not insignificant whitespace, after `position`.
        func nextSignificant(after position: Int) -> UInt8? {
            var next = position + 1
            while next < bytes.count, isWhitespace(bytes[next]) { next += 1 }
            return next < bytes.count ? bytes[next] : nil
        }

        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                output.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                output.append(byte)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                output.append(byte)
                let closing = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if nextSignificant(after: index) == closing {
                    // Empty container: print `{}` / `[]` on one line.
                    while bytes[index] != closing { index += 1 }
                    output.append(closing)
                } else {
                    depth += 1
                    newline()
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                newline()
                output.append(byte)
            case UInt8(ascii: ","):
                output.append(byte)
                newline()
            case UInt8(ascii: ":"):
                output.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
            default:
                if !isWhitespace(byte) { output.append(byte) }
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
