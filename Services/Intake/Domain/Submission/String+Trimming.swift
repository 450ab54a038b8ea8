extension String {
    /// The string without leading and trailing whitespace (Unicode White_Space).
    ///
    /// Foundation's `trimmingCharacters(in:)` bridges through NSString on Linux and costs
    /// microseconds per call; intake trims several fields per result at 100,000 results a
    /// second. This returns `self` untouched in the common case of nothing to trim.
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        guard first.isSpace || last.isSpace else { return self }
        guard let start = scalars.firstIndex(where: { !$0.isSpace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.isSpace }) ?? start
        return String(scalars[start...end])
    }

    /// The string trimmed and lowercased, for matching codes and words case-insensitively.
    var normalizedCode: String {
        let trimmed = trimmingWhitespace
        // Lowercasing is cheap for ASCII; `lowercased()` already skips work when nothing changes.
        return trimmed.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") || $0 >= 0x80 }) ? trimmed.lowercased() : trimmed
    }
}

extension Unicode.Scalar {
    /// White_Space, decided without a property lookup for ASCII.
    var isSpace: Bool {
        value < 0x80 ? (value == 0x20 || (0x09...0x0D).contains(value)) : properties.isWhitespace
    }
}
