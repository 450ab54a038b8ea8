extension EnvironmentReader {
    /// The largest duration accepted from configuration: ten years. Anything
    /// longer is a typo, and it keeps the arithmetic far from overflow.
    static let maximumDurationSeconds: Int64 = 10 * 366 * 24 * 3600

    /// Parses `true/false`, `1/0`, `yes/no`, `on/off` (any case).
    ///
    /// Concurrency: pure function.
    public static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "on": true
        case "false", "0", "no", "off": false
        default: nil
        }
    }

    /// Parses a non-negative duration: a decimal number followed by an optional
    /// unit `ms`, `s`, `m` or `h` (no unit means seconds), with optional spaces
    /// between number and unit. Returns `nil` for anything else, including
    /// negative values, exponents and durations above ten years. Precision is
    /// one nanosecond.
    ///
    /// Concurrency: pure function.
    public static func parseDuration(_ text: String) -> Duration? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var whole = ""
        var fraction = ""
        while index < scalars.count, ("0"..."9").contains(scalars[index]) {
            whole.unicodeScalars.append(scalars[index])
            index += 1
        }
        if index < scalars.count, scalars[index] == "." {
            index += 1
            while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                fraction.unicodeScalars.append(scalars[index])
                index += 1
            }
            guard !fraction.isEmpty else { return nil }
        }
        guard !whole.isEmpty || !fraction.isEmpty else { return nil }
        while index < scalars.count, scalars[index] == " " {
            index += 1
        }
        let unit = String(String.UnicodeScalarView(scalars[index...])).lowercased()
        let nanosecondsPerUnit: Int64
        switch unit {
        case "ms": nanosecondsPerUnit = 1_000_000
        case "", "s": nanosecondsPerUnit = 1_000_000_000
        case "m": nanosecondsPerUnit = 60 * 1_000_000_000
        case "h": nanosecondsPerUnit = 3600 * 1_000_000_000
        default: return nil
        }
        // Leading zeros are harmless; more than 13 significant digits is beyond
        // ten years in any unit, so reject before converting.
        let significant = whole.drop { $0 == "0" }
        guard significant.count <= 13, let wholeValue = Int64(whole.isEmpty ? "0" : String(significant.isEmpty ? "0" : significant)) else {
            return nil
        }
        let (wholeNanoseconds, overflow) = wholeValue.multipliedReportingOverflow(by: nanosecondsPerUnit)
        guard !overflow else { return nil }
        var fractionNanoseconds: Int64 = 0
        if !fraction.isEmpty, let fractionValue = Double("0." + fraction) {
            fractionNanoseconds = Int64((fractionValue * Double(nanosecondsPerUnit)).rounded(.down))
        }
        let total = wholeNanoseconds + fractionNanoseconds
        guard total <= Self.maximumDurationSeconds * 1_000_000_000 else { return nil }
        return .nanoseconds(total)
    }
}
