extension JSONCursor {
    /// Where a string's content lies in the body (between its quotes), and whether it
    /// holds escapes (then ``unescape(_:)`` gives its bytes).
    struct StringToken {
        var start: Int
        var end: Int
        var escaped: Bool
    }

    /// Reads a string (the cursor is at its opening quote), checking escapes, control
    /// characters and UTF-8, and returns where its content lies.
    mutating func string() throws(JSONSyntaxError) -> StringToken {
        let start = index &+ 1
        var position = start
        var seen: UInt8 = 0
        var escaped = false
        while true {
            guard position < bytes.count else {
                index = position
                throw failure("a string is not closed")
            }
            let byte = bytes[position]
            if byte == JSONByte.quote { break }
            if byte == JSONByte.backslash {
                escaped = true
                index = position
                _ = try escape(at: &position)
                continue
            }
            guard byte >= 0x20 else {
                index = position
                throw failure("a string holds a raw control character (escape it)")
            }
            seen |= byte
            position &+= 1
        }
        if seen >= 0x80, !Self.isValidUTF8(bytes, from: start, to: position) {
            index = start
            throw failure("a string is not valid UTF-8")
        }
        index = position &+ 1
        return StringToken(start: start, end: position, escaped: escaped)
    }

    /// Reads a string value as text: trimmed of surrounding whitespace, nil when empty.
    mutating func text() throws(JSONSyntaxError) -> String? {
        let token = try string()
        if !token.escaped {
            return Self.trimmedText(UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]))
        }
        unescape(token)
        return scratch.withUnsafeBufferPointer { Self.trimmedText($0) }
    }

    /// Reads a string value exactly as sent (neither trimmed nor emptied).
    mutating func rawText() throws(JSONSyntaxError) -> String {
        let token = try string()
        if !token.escaped {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
        }
        unescape(token)
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Puts the unescaped bytes of `token` (already checked by ``string()``) in ``scratch``.
    mutating func unescape(_ token: StringToken) {
        scratch.removeAll(keepingCapacity: true)
        var position = token.start
        var runStart = position
        while position < token.end {
            guard bytes[position] == JSONByte.backslash else {
                position &+= 1
                continue
            }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
            // `string()` has accepted this escape, so decoding it again cannot fail.
            guard let scalar = try? escape(at: &position) else { return }
            if let encoded = UTF8.encode(scalar) { scratch.append(contentsOf: encoded) }
            runStart = position
        }
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<token.end]))
    }

    /// Decodes the escape at `position` (a backslash) and moves past it.
    private func escape(at position: inout Int) throws(JSONSyntaxError) -> Unicode.Scalar {
        let next = position &+ 1
        guard next < bytes.count else { throw JSONSyntaxError(reason: "a string is not closed", offset: position) }
        let scalar: Unicode.Scalar
        switch bytes[next] {
        case JSONByte.quote: scalar = "\""
        case JSONByte.backslash: scalar = "\\"
        case UInt8(ascii: "/"): scalar = "/"
        case UInt8(ascii: "b"): scalar = "\u{08}"
        case UInt8(ascii: "f"): scalar = "\u{0C}"
        case UInt8(ascii: "n"): scalar = "\n"
        case UInt8(ascii: "r"): scalar = "\r"
        case UInt8(ascii: "t"): scalar = "\t"
        case UInt8(ascii: "u"):
            let unit = try hex4(at: next &+ 1)
            position = next &+ 5
            switch unit {
            case 0xD800 ..< 0xDC00:
                guard position &+ 1 < bytes.count, bytes[position] == JSONByte.backslash, bytes[position &+ 1] == UInt8(ascii: "u"),
                      case let low = try hex4(at: position &+ 2), (0xDC00 ..< 0xE000).contains(low),
                      let paired = Unicode.Scalar(0x10000 &+ ((unit &- 0xD800) << 10) &+ (low &- 0xDC00))
                else { throw JSONSyntaxError(reason: "a \\u escape is half of a surrogate pair", offset: position) }
                position &+= 6
                return paired
            case 0xDC00 ..< 0xE000:
                throw JSONSyntaxError(reason: "a \\u escape is half of a surrogate pair", offset: position)
            default:
                guard let single = Unicode.Scalar(unit) else {
                    throw JSONSyntaxError(reason: "a \\u escape is not a character", offset: position)
                }
                return single
            }
        default:
            throw JSONSyntaxError(reason: "a string holds an unknown escape", offset: position)
        }
        position = next &+ 1
        return scalar
    }

    /// The four hexadecimal digits at `position`.
    private func hex4(at position: Int) throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count &- position >= 4 else { throw JSONSyntaxError(reason: "a \\u escape needs four hex digits", offset: position) }
        var value: UInt32 = 0
        for offset in 0 ..< 4 {
            let byte = bytes[position &+ offset]
            let digit: UInt8
            switch byte {
            case JSONByte.zero ... JSONByte.nine: digit = byte &- JSONByte.zero
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: throw JSONSyntaxError(reason: "a \\u escape needs four hex digits", offset: position &+ offset)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Whether `bytes[from..<to]` is well-formed UTF-8 (no overlong forms, no surrogates,
    /// nothing past U+10FFFF).
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Bool {
        var position = from
        while position < end {
            let lead = bytes[position]
            if lead < 0x80 {
                position &+= 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2 ... 0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1 ... 0xEC, 0xEE ... 0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1 ... 0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard end &- position >= length else { return false }
            let second = bytes[position &+ 1]
            guard second >= low, second <= high else { return false }
            for offset in 2 ..< length where bytes[position &+ offset] & 0xC0 != 0x80 { return false }
            position &+= length
        }
        return true
    }

    /// `content` as a String without the surrounding whitespace (the scalars of
    /// Foundation's `CharacterSet.whitespacesAndNewlines`), or nil when nothing else is left.
    static func trimmedText(_ content: UnsafeBufferPointer<UInt8>) -> String? {
        var start = 0
        var end = content.count
        while start < end, let width = whitespaceWidth(content, at: start) {
            start &+= width
        }
        while start < end {
            // The last scalar starts at the last byte that is not a continuation byte.
            var lead = end &- 1
            while lead > start, content[lead] & 0xC0 == 0x80 { lead &-= 1 }
            guard whitespaceWidth(content, at: lead) == end &- lead else { break }
            end = lead
        }
        guard start < end else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: content[start..<end]), as: UTF8.self)
    }

    /// The byte length of the whitespace scalar at `position` in valid UTF-8, or nil when
    /// the scalar there is not whitespace.
    private static func whitespaceWidth(_ content: UnsafeBufferPointer<UInt8>, at position: Int) -> Int? {
        let lead = content[position]
        switch lead {
        case 0x09 ... 0x0D, 0x20:
            return 1
        case 0xC2:
            // U+0085 NEXT LINE, U+00A0 NO-BREAK SPACE
            guard position &+ 1 < content.count else { return nil }
            let second = content[position &+ 1]
            return second == 0x85 || second == 0xA0 ? 2 : nil
        case 0xE1, 0xE2, 0xE3:
            guard content.count &- position >= 3 else { return nil }
            let scalar = UInt32(lead & 0x0F) << 12 | UInt32(content[position &+ 1] & 0x3F) << 6 | UInt32(content[position &+ 2] & 0x3F)
            switch scalar {
            case 0x1680, 0x2000 ... 0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return 3
            default: return nil
            }
        default:
            return nil
        }
    }
}
