public import Foundation

/// The one timestamp format of Fangyi events: RFC 3339 in UTC with exactly three fractional
/// digits, for example `2022-03-14T08:30:00.123Z`.
///
/// Used for `ce_time` and for every `Date` in a payload. Times are carried at millisecond
/// precision: formatting rounds to the nearest millisecond, so a `Date` compares equal after a
/// round trip only if it was already whole milliseconds — build event times with
/// ``roundedToMilliseconds(_:)`` when equality after decoding matters (tests, deduplication).
///
/// Parsing accepts any RFC 3339 `date-time` (the JSON Schema `format: date-time`): `T` or `t`,
/// `Z`, `z` or a numeric offset, and any number of fractional digits (rounded to milliseconds).
/// Leap seconds (`:60`) are rejected. Years outside 0000–9999 cannot be written and are clamped.
///
/// This is hand-written rather than `ISO8601DateFormatter` because intake formats several
/// timestamps per event at 100k events/s; it allocates only the result string.
///
/// Concurrency: stateless; every function is safe to call from any thread.
public enum EventTimestamp {
    /// Milliseconds between 1970-01-01 and 0000-01-01 / 9999-12-31T23:59:59.999Z.
    private static let minMilliseconds: Int64 = -62_167_219_200_000
    private static let maxMilliseconds: Int64 = 253_402_300_799_999
    private static let millisecondsPerDay: Int64 = 86_400_000

    /// Formats `date` as `YYYY-MM-DDTHH:MM:SS.mmmZ`. Concurrency: pure.
    public static func string(from date: Date) -> String {
        let milliseconds = clampedMilliseconds(date)
        let days = floorDivide(milliseconds, millisecondsPerDay)
        let inDay = Int(milliseconds - days * millisecondsPerDay)
        let (year, month, day) = civilDate(daysSince1970: days)
        let hour = inDay / 3_600_000
        let minute = inDay / 60_000 % 60
        let second = inDay / 1000 % 60
        let milli = inDay % 1000
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int, digits: Int, at offset: Int) {
                var rest = value
                for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") &+ UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(year, digits: 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(month, digits: 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(day, digits: 2, at: 8)
            buffer[10] = UInt8(ascii: "T")
            put(hour, digits: 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(minute, digits: 2, at: 14)
            buffer[16] = UInt8(ascii: ":")
            put(second, digits: 2, at: 17)
            buffer[19] = UInt8(ascii: ".")
            put(milli, digits: 3, at: 20)
            buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// Parses an RFC 3339 `date-time`, or returns `nil` when `text` is not one.
    /// Concurrency: pure.
    public static func date(from text: String) -> Date? {
        var text = text
        guard let milliseconds = text.withUTF8({ parse($0) }) else { return nil }
        return date(milliseconds: milliseconds)
    }

    /// `date` rounded to the nearest whole millisecond, the precision events carry.
    /// Concurrency: pure.
    public static func roundedToMilliseconds(_ date: Date) -> Date {
        self.date(milliseconds: clampedMilliseconds(date))
    }

    // MARK: - Internals

    private static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    private static func clampedMilliseconds(_ date: Date) -> Int64 {
        let scaled = (date.timeIntervalSince1970 * 1000).rounded()
        guard scaled.isFinite else { return scaled > 0 ? maxMilliseconds : minMilliseconds }
        if scaled <= Double(minMilliseconds) { return minMilliseconds }
        if scaled >= Double(maxMilliseconds) { return maxMilliseconds }
        return Int64(scaled)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (era-based day arithmetic).
    /// Concurrency: pure. Shared by every hand-written date parser in Fangyi.
    public static func civilDate(daysSince1970 days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468  // days from 0000-03-01
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153  // 0 = March
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// A proleptic Gregorian date to days since 1970-01-01. Concurrency: pure.
    public static func daysSince1970(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Days in `month` of `year` (Gregorian leap rule). Concurrency: pure.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                index += 1
            }
            return value
        }
        func expect(_ allowed: UInt8...) -> Bool {
            guard index < bytes.count, allowed.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")),
              let month = digits(2), expect(UInt8(ascii: "-")),
              let day = digits(2), expect(UInt8(ascii: "T"), UInt8(ascii: "t")),
              let hour = digits(2), expect(UInt8(ascii: ":")),
              let minute = digits(2), expect(UInt8(ascii: ":")),
              let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 60
        else { return nil }

        var milli = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var fractionDigits = 0
            var roundUp = false
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let digit = Int(bytes[index] - UInt8(ascii: "0"))
                if fractionDigits < 3 {
                    milli = milli * 10 + digit
                } else if fractionDigits == 3 {
                    roundUp = digit >= 5
                }
                fractionDigits += 1
                index += 1
            }
            guard fractionDigits > 0 else { return nil }
            for _ in fractionDigits..<max(fractionDigits, 3) { milli *= 10 }
            if roundUp { milli += 1 }
        }

        var offsetMinutes = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHour = digits(2), expect(UInt8(ascii: ":")), let offsetMinute = digits(2),
                  offsetHour < 24, offsetMinute < 60
            else { return nil }
            offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
        default:
            return nil
        }
        guard index == bytes.count else { return nil }

        let days = daysSince1970(year: year, month: month, day: day)
        let secondsOfDay = Int64(hour * 3600 + minute * 60 + second - offsetMinutes * 60)
        return days * millisecondsPerDay + secondsOfDay * 1000 + Int64(milli)
    }
}
