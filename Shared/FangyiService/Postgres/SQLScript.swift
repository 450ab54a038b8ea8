import Foundation

/// A SQL script split into single statements.
///
/// PostgresNIO speaks only the extended query protocol, which runs one
/// statement per query, so a migration's multi-statement text is split here
/// and run statement by statement inside one transaction. The splitter knows
/// enough PostgreSQL lexing to split only at top-level semicolons: it skips
/// `'strings'` (including `E'...'` with backslash escapes), `"identifiers"`,
/// dollar-quoted bodies (`$$...$$`, `$tag$...$tag$`), `-- line comments` and
/// nested `/* block comments */`. Statements consisting only of comments and
/// whitespace are dropped.
///
/// Concurrency: a value type; `Sendable`.
public struct SQLScript: Sendable, Hashable {
    /// The statements in order, trimmed, without their terminating semicolons.
    public let statements: [String]

    /// Splits `sql` into statements.
    public init(_ sql: String) {
        self.statements = Self.split(Array(sql.utf8))
    }

    private static func split(_ bytes: [UInt8]) -> [String] {
        var statements: [String] = []
        var start = 0
        var index = 0
        var hasContent = false

        func finish(upTo end: Int) {
            if hasContent {
                let text = String(decoding: bytes[start..<end], as: UTF8.self)
                statements.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            hasContent = false
        }

        while index < bytes.count {
            let byte = bytes[index]
            let next: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
            switch byte {
            case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
                index += 2
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                index += 2
                var depth = 1
                while index < bytes.count, depth > 0 {
                    if bytes[index] == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                        depth += 1
                        index += 2
                    } else if bytes[index] == UInt8(ascii: "*"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                        depth -= 1
                        index += 2
                    } else {
                        index += 1
                    }
                }
            case UInt8(ascii: "'"):
                hasContent = true
                let backslashEscapes = index > 0 && (bytes[index - 1] == UInt8(ascii: "E") || bytes[index - 1] == UInt8(ascii: "e"))
                    && (index < 2 || !Self.isIdentifierByte(bytes[index - 2]))
                index = Self.skipQuoted(bytes, from: index, quote: UInt8(ascii: "'"), backslashEscapes: backslashEscapes)
            case UInt8(ascii: "\""):
                hasContent = true
                index = Self.skipQuoted(bytes, from: index, quote: UInt8(ascii: "\""), backslashEscapes: false)
            case UInt8(ascii: "$"):
                hasContent = true
                if let tagEnd = Self.dollarTagEnd(bytes, from: index),
                    !(index > 0 && Self.isIdentifierByte(bytes[index - 1]))
                {
                    let tag = Array(bytes[index...tagEnd])
                    index = tagEnd + 1
                    while index < bytes.count {
                        if bytes[index] == UInt8(ascii: "$"), bytes[index...].starts(with: tag) {
                            index += tag.count
                            break
                        }
                        index += 1
                    }
                } else {
                    index += 1
                }
            case UInt8(ascii: ";"):
                finish(upTo: index)
                index += 1
                start = index
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0C:
                index += 1
            default:
                hasContent = true
                index += 1
            }
        }
        finish(upTo: bytes.count)
        return statements
    }

    /// The index just past the closing quote (or the end of input).
    private static func skipQuoted(_ bytes: [UInt8], from opening: Int, quote: UInt8, backslashEscapes: Bool) -> Int {
        var index = opening + 1
        while index < bytes.count {
            let byte = bytes[index]
            if backslashEscapes, byte == UInt8(ascii: "\\") {
                index += 2
            } else if byte == quote {
                // A doubled quote is an escaped quote, not the end.
                if index + 1 < bytes.count, bytes[index + 1] == quote {
                    index += 2
                } else {
                    return index + 1
                }
            } else {
                index += 1
            }
        }
        return bytes.count
    }

    /// If a dollar-quote tag (`$$` or `$name$`) starts at `index`, the index of its closing `$`.
    private static func dollarTagEnd(_ bytes: [UInt8], from index: Int) -> Int? {
        var cursor = index + 1
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "$") { return cursor }
            let isDigit = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            // A tag cannot start with a digit: `$1` is a parameter.
            guard Self.isIdentifierByte(byte), !(isDigit && cursor == index + 1) else { return nil }
            cursor += 1
        }
        return nil
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_")
            || byte >= 0x80
    }
}
