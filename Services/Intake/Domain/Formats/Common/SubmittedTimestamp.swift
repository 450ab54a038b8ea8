import FangyiEvents
import Foundation

/// Reads the date-times labs send (FHIR `dateTime`/`instant`, ISO 8601, LIS exports)
/// from UTF-8 bytes, without `DateFormatter` or `Calendar` (the CSV reader calls it for
/// every row of a 10,000-row export).
///
/// A value without an offset is read as China time (UTC+08:00): that is the clock of
/// every lab the suite serves and what LIS exports write. A date without a time is
/// midnight China time; a FHIR year or year-month is the first instant of that period.
///
/// Concurrency: stateless; safe from any context.
enum SubmittedTimestamp {
    /// Which spellings a format allows.
    struct Rules: Sendable {
        /// `YYYY` and `YYYY-MM` alone (FHIR `dateTime`).
        var partialDates: Bool
        /// A space instead of `T`, `/` as the date separator, one-digit month, day and
        /// hour, `HH:MM` without seconds, `+0800`/`+08` offsets (LIS exports).
        var lenient: Bool
        /// A time must carry an offset (FHIR: "if hours and minutes are specified, a
        /// time zone SHALL be populated").
        var offsetRequiredWithTime: Bool

        /// FHIR R4 `date`, `dateTime` and `instant`.
        static let fhir = Rules(partialDates: true, lenient: false, offsetRequiredWithTime: true)
        /// CSV exports: ISO 8601 with an offset, or a local China time.
        static let export = Rules(partialDates: false, lenient: true, offsetRequiredWithTime: false)
    }

    /// The offset applied when a value has none: UTC+08:00.
    static let chinaOffsetSeconds = 8 * 3600

    /// Parses `text`; `nil` when it is not a date-time these rules accept or names a day
    /// that does not exist.
    static func date(_ text: String, rules: Rules) -> Date? {
        var copy = text
        return copy.withUTF8 { date($0, rules: rules) }
    }

    /// Parses the bytes of `bytes`; `nil` when they are not a date-time these rules accept.
    static func date<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, rules: Rules) -> Date? where Bytes.Index == Int {
        var scanner = Scanner(bytes: bytes)
        guard let year = scanner.digits(min: 4, max: 4) else { return nil }
        if scanner.atEnd {
            return rules.partialDates ? instant(year, 1, 1, 0, 0, 0, offset: chinaOffsetSeconds) : nil
        }
        let dateSeparator = scanner.peek
        guard dateSeparator == UInt8(ascii: "-") || (rules.lenient && dateSeparator == UInt8(ascii: "/")) else { return nil }
        scanner.advance()
        let short = rules.lenient ? 1 : 2
        guard let month = scanner.digits(min: short, max: 2), (1...12).contains(month) else { return nil }
        if scanner.atEnd {
            return rules.partialDates ? instant(year, month, 1, 0, 0, 0, offset: chinaOffsetSeconds) : nil
        }
        guard scanner.take(dateSeparator),
              let day = scanner.digits(min: short, max: 2),
              day >= 1, day <= EventTimestamp.daysInMonth(year: year, month: month)
        else { return nil }
        if scanner.atEnd {
            return instant(year, month, day, 0, 0, 0, offset: chinaOffsetSeconds)
        }
        guard scanner.take(UInt8(ascii: "T")) || (rules.lenient && (scanner.take(UInt8(ascii: " ")) || scanner.take(UInt8(ascii: "t"))))
        else { return nil }
        if rules.lenient { scanner.skipSpaces() }
        guard let hour = scanner.digits(min: short, max: 2), hour <= 23,
              scanner.take(UInt8(ascii: ":")),
              let minute = scanner.digits(min: 2, max: 2), minute <= 59
        else { return nil }
        var seconds = 0.0
        if scanner.take(UInt8(ascii: ":")) {
            // 60 is a leap second, which FHIR's grammar allows.
            guard let whole = scanner.digits(min: 2, max: 2), whole <= 60 else { return nil }
            seconds = Double(whole)
            if scanner.take(UInt8(ascii: ".")) {
                guard let fraction = scanner.fraction() else { return nil }
                seconds += fraction
            }
        } else if !rules.lenient {
            return nil
        }
        if rules.lenient { scanner.skipSpaces() }
        let offset: Int
        if scanner.atEnd {
            guard !rules.offsetRequiredWithTime else { return nil }
            offset = chinaOffsetSeconds
        } else if scanner.take(UInt8(ascii: "Z")) || (rules.lenient && scanner.take(UInt8(ascii: "z"))) {
            offset = 0
        } else {
            let sign = scanner.peek
            guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
            scanner.advance()
            guard let offsetHours = scanner.digits(min: 2, max: 2), offsetHours <= 14 else { return nil }
            var offsetMinutes = 0
            if scanner.take(UInt8(ascii: ":")) {
                guard let minutes = scanner.digits(min: 2, max: 2), minutes <= 59 else { return nil }
                offsetMinutes = minutes
            } else if rules.lenient, !scanner.atEnd {
                guard let minutes = scanner.digits(min: 2, max: 2), minutes <= 59 else { return nil }
                offsetMinutes = minutes
            } else if !rules.lenient {
                return nil
            }
            let magnitude = offsetHours * 3600 + offsetMinutes * 60
            offset = sign == UInt8(ascii: "+") ? magnitude : -magnitude
        }
        guard scanner.atEnd else { return nil }
        return instant(year, month, day, hour, minute, seconds, offset: offset)
    }

    private static func instant(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ seconds: Double, offset: Int) -> Date {
        let days = Int(EventTimestamp.daysSince1970(year: year, month: month, day: day))
        let local = Double(days * 86_400 + hour * 3600 + minute * 60) + seconds
        return Date(timeIntervalSince1970: local - Double(offset))
    }

    private struct Scanner<Bytes: RandomAccessCollection<UInt8>> where Bytes.Index == Int {
        let bytes: Bytes
        var index: Int

        init(bytes: Bytes) {
            self.bytes = bytes
            self.index = bytes.startIndex
        }

        var atEnd: Bool { index >= bytes.endIndex }
        var peek: UInt8 { atEnd ? 0 : bytes[index] }

        mutating func advance() { index += 1 }

        mutating func take(_ byte: UInt8) -> Bool {
            guard !atEnd, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func skipSpaces() {
            while !atEnd, bytes[index] == UInt8(ascii: " ") { index += 1 }
        }

        mutating func digits(min: Int, max: Int) -> Int? {
            var value = 0
            var count = 0
            while count < max, !atEnd, let digit = Self.digit(bytes[index]) {
                value = value * 10 + digit
                count += 1
                index += 1
            }
            return count >= min ? value : nil
        }

        /// At least one digit after the decimal point; more than nine are read but ignored.
        mutating func fraction() -> Double? {
            var value = 0.0
            var scale = 1.0
            var count = 0
            while !atEnd, let digit = Self.digit(bytes[index]) {
                if count < 9 {
                    scale /= 10
                    value += Double(digit) * scale
                }
                count += 1
                index += 1
            }
            return count > 0 ? value : nil
        }

        private static func digit(_ byte: UInt8) -> Int? {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
        }
    }
}
