extension JSONCursor {
    /// Where a number lies in the body, and what its syntax showed.
    struct NumberToken {
        var start: Int
        var end: Int
        /// No fraction and no exponent.
        var isInteger: Bool
        /// Some digit of the significand is not zero (so a zero value means underflow).
        var isNonZero: Bool
    }

    /// Reads a number by RFC 8259's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    mutating func number() throws(JSONSyntaxError) -> NumberToken {
        let start = index
        var position = index
        var nonZero: UInt8 = 0
        if position < bytes.count, bytes[position] == JSONByte.minus { position &+= 1 }
        guard position < bytes.count, JSONByte.zero ... JSONByte.nine ~= bytes[position] else {
            index = position
            throw failure("a number needs digits")
        }
        if bytes[position] == JSONByte.zero {
            position &+= 1
        } else {
            while position < bytes.count, JSONByte.zero ... JSONByte.nine ~= bytes[position] {
                nonZero |= bytes[position] &- JSONByte.zero
                position &+= 1
            }
        }
        var isInteger = true
        if position < bytes.count, bytes[position] == JSONByte.dot {
            isInteger = false
            position &+= 1
            let digits = position
            while position < bytes.count, JSONByte.zero ... JSONByte.nine ~= bytes[position] {
                nonZero |= bytes[position] &- JSONByte.zero
                position &+= 1
            }
            guard position > digits else {
                index = position
                throw failure("a number needs digits after its decimal point")
            }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position &+= 1
            if position < bytes.count, bytes[position] == JSONByte.plus || bytes[position] == JSONByte.minus { position &+= 1 }
            let digits = position
            while position < bytes.count, JSONByte.zero ... JSONByte.nine ~= bytes[position] { position &+= 1 }
            guard position > digits else {
                index = position
                throw failure("a number needs digits in its exponent")
            }
        }
        index = position
        return NumberToken(start: start, end: position, isInteger: isInteger, isNonZero: nonZero != 0)
    }

    /// The number as an `Int`: an integer that fits, or a fraction or exponent form whose
    /// value is a whole number that fits (`1.0`, `1e2`), as Foundation's decoder reads it.
    func integer(_ token: NumberToken) -> Int? {
        guard token.isInteger else {
            return Int(exactly: double(token))
        }
        var position = token.start
        let negative = bytes[position] == JSONByte.minus
        if negative { position &+= 1 }
        // Accumulate negatively: Int.min has no positive counterpart.
        var value = 0
        while position < token.end {
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (next, underflowed) = shifted.subtractingReportingOverflow(Int(bytes[position] &- JSONByte.zero))
            guard !overflowed, !underflowed else { return nil }
            value = next
            position &+= 1
        }
        if negative { return value }
        let (positive, overflowed) = (0).subtractingReportingOverflow(value)
        return overflowed ? nil : positive
    }

    /// The number as a `Double`, correctly rounded; infinite when too large, zero when too small.
    func double(_ token: NumberToken) -> Double {
        // Clinger's fast path: a significand below 2^53 and a power of ten up to 10^22
        // are both exact, so one multiplication or division rounds correctly.
        var position = token.start
        let negative = bytes[position] == JSONByte.minus
        if negative { position &+= 1 }
        var significand: UInt64 = 0
        var digits = 0
        var scale = 0
        var inFraction = false
        while position < token.end {
            let byte = bytes[position]
            if byte == JSONByte.dot {
                inFraction = true
            } else if byte | 0x20 == UInt8(ascii: "e") {
                break
            } else {
                significand = significand &* 10 &+ UInt64(byte &- JSONByte.zero)
                digits &+= 1
                if inFraction { scale &-= 1 }
            }
            position &+= 1
        }
        if position < token.end {
            position &+= 1
            var exponentNegative = false
            if bytes[position] == JSONByte.minus || bytes[position] == JSONByte.plus {
                exponentNegative = bytes[position] == JSONByte.minus
                position &+= 1
            }
            var exponent = 0
            while position < token.end {
                // Past 10^6 the fast path is out of reach anyway; stop before overflowing.
                if exponent < 1_000_000 { exponent = exponent &* 10 &+ Int(bytes[position] &- JSONByte.zero) }
                position &+= 1
            }
            scale &+= exponentNegative ? -exponent : exponent
        }
        if digits <= 15, scale >= -22, scale <= 22 {
            let power = Self.powersOfTen[scale < 0 ? -scale : scale]
            let magnitude = scale < 0 ? Double(significand) / power : Double(significand) * power
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
        return Double(text) ?? .nan
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
}
