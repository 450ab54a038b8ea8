/// A position in a UTF-8 JSON body and the grammar of RFC 8259 on it: whitespace,
/// objects and arrays (with a nesting limit), strings, numbers, literals, and skipping a
/// whole value of any kind.
///
/// The reads check the syntax strictly (no trailing commas, no leading zeros, no raw
/// control characters or invalid UTF-8 in strings, no lone surrogates) and throw a
/// ``JSONSyntaxError`` where it breaks. Every byte access is bounds-checked against
/// ``bytes``; nothing recurses, so any input is safe.
///
/// Concurrency: a value over memory its owner keeps alive for the cursor's lifetime;
/// use it on one thread, inside `withUnsafeBufferPointer`.
struct JSONCursor {
    /// The deepest nesting of objects and arrays accepted (Foundation's limit, too).
    static let maxDepth = 512

    /// The body.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The offset of the next byte to read.
    var index: Int
    /// Unescaped bytes of the last string that held escapes.
    var scratch: [UInt8] = []

    /// A cursor at the start of `bytes`, past a UTF-8 byte order mark if there is one.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        index = bom ? 3 : 0
    }

    /// A syntax error at the current position.
    func failure(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(reason: reason, offset: index)
    }

    /// Skips whitespace and returns the next byte without consuming it.
    mutating func peek() throws(JSONSyntaxError) -> UInt8 {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == JSONByte.space || byte == JSONByte.newline || byte == JSONByte.carriageReturn || byte == JSONByte.tab else { return byte }
            index &+= 1
        }
        throw failure("the body ends in the middle of a value")
    }

    /// Checks that only whitespace follows the top-level value.
    mutating func finish() throws(JSONSyntaxError) {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == JSONByte.space || byte == JSONByte.newline || byte == JSONByte.carriageReturn || byte == JSONByte.tab else {
                throw failure("something follows the JSON value")
            }
            index &+= 1
        }
    }

    // MARK: - Objects and arrays

    /// Consumes the `{` of an object at nesting `depth` (the top value is at depth 1).
    /// Returns false when the object is empty, having consumed its `}` too.
    mutating func openObject(depth: Int) throws(JSONSyntaxError) -> Bool {
        try open(JSONByte.openBrace, JSONByte.closeBrace, depth: depth)
    }

    /// Consumes the `[` of an array at nesting `depth`. Returns false when the array is
    /// empty, having consumed its `]` too.
    mutating func openArray(depth: Int) throws(JSONSyntaxError) -> Bool {
        try open(JSONByte.openBracket, JSONByte.closeBracket, depth: depth)
    }

    private mutating func open(_ opening: UInt8, _ closing: UInt8, depth: Int) throws(JSONSyntaxError) -> Bool {
        guard depth <= Self.maxDepth else { throw failure("objects and arrays nest deeper than \(Self.maxDepth) levels") }
        guard try peek() == opening else { throw failure("expected \(opening == JSONByte.openBrace ? "an object" : "an array")") }
        index &+= 1
        if try peek() == closing {
            index &+= 1
            return false
        }
        return true
    }

    /// After a member or an element: consumes a `,` and returns true (another follows),
    /// or consumes `closing` and returns false.
    mutating func next(_ closing: UInt8) throws(JSONSyntaxError) -> Bool {
        let byte = try peek()
        index &+= 1
        if byte == JSONByte.comma { return true }
        if byte == closing { return false }
        index &-= 1
        throw failure(closing == JSONByte.closeBrace ? "expected , or } after an object member" : "expected , or ] after an array element")
    }

    /// Reads a member name and its `:`, and returns what `match` makes of the name's
    /// unescaped UTF-8 bytes.
    mutating func key<Key>(_ match: (UnsafeBufferPointer<UInt8>) -> Key) throws(JSONSyntaxError) -> Key {
        guard try peek() == JSONByte.quote else { throw failure("expected a member name in double quotes") }
        let token = try string()
        let key: Key
        if token.escaped {
            unescape(token)
            key = scratch.withUnsafeBufferPointer(match)
        } else {
            key = match(UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]))
        }
        guard try peek() == JSONByte.colon else { throw failure("expected : after a member name") }
        index &+= 1
        return key
    }

    /// Whether `key` is exactly the bytes of `name`.
    static func key(_ key: UnsafeBufferPointer<UInt8>, is name: StaticString) -> Bool {
        guard key.count == name.utf8CodeUnitCount else { return false }
        let expected = name.utf8Start
        for offset in 0..<key.count where key[offset] != expected[offset] { return false }
        return true
    }

    // MARK: - Literals and skipping

    /// Consumes `null`; the caller has seen its `n`.
    mutating func null() throws(JSONSyntaxError) {
        try literal("null")
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count &- index >= count else { throw failure("the body ends in the middle of a value") }
        let expected = word.utf8Start
        for offset in 0..<count where bytes[index &+ offset] != expected[offset] {
            throw failure("expected a JSON value")
        }
        index &+= count
    }

    /// Consumes a whole value of any kind, checking its syntax, where the value sits
    /// inside a container at nesting `depth`.
    ///
    /// Iterative: a bit per open container (set for an object) replaces recursion.
    mutating func skipValue(depth: Int) throws(JSONSyntaxError) {
        var open = 0
        var objects = SIMD8<UInt64>()
        while true {
            // A value starts here.
            switch try peek() {
            case JSONByte.openBrace, JSONByte.openBracket:
                let isObject = bytes[index] == JSONByte.openBrace
                guard try (isObject ? openObject(depth: depth &+ open &+ 1) : openArray(depth: depth &+ open &+ 1)) else {
                    break
                }
                if isObject {
                    objects[open >> 6] |= 1 << UInt64(open & 63)
                    _ = try key { _ in () }
                } else {
                    objects[open >> 6] &= ~(1 << UInt64(open & 63))
                }
                open &+= 1
                continue
            case JSONByte.quote:
                _ = try string()
            case UInt8(ascii: "t"):
                try literal("true")
            case UInt8(ascii: "f"):
                try literal("false")
            case UInt8(ascii: "n"):
                try literal("null")
            case JSONByte.minus, JSONByte.zero ... JSONByte.nine:
                _ = try number()
            default:
                throw failure("expected a JSON value")
            }
            // The value ended: close containers until one has another member or element.
            while open > 0 {
                let level = open &- 1
                let isObject = objects[level >> 6] & (1 << UInt64(level & 63)) != 0
                if try next(isObject ? JSONByte.closeBrace : JSONByte.closeBracket) {
                    if isObject { _ = try key { _ in () } }
                    break
                }
                open = level
            }
            if open == 0 { return }
        }
    }
}
