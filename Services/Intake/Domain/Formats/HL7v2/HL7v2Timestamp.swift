import FangyiEvents
public import Foundation

/// HL7 v2 DTM/TS values: `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`.
///
/// A value without an offset is taken as China time (UTC+08:00), as in the CSV and FHIR
/// readers: HL7 says such a value is in the sender's local time, and the labs Fangyi serves
/// keep China time. A lab elsewhere sends an offset.
/// Missing lower positions count from their start (`2020` is 2020-01-01T00:00:00).
///
/// Concurrency: stateless; call from anywhere.
public enum HL7v2Timestamp {
    /// The instant `text` names, or nil when it is not an HL7 timestamp or names no real date.
    public static func date(from text: String) -> Date? {
        let scalars = Array(text.unicodeScalars)
        var position = 0

        func digits(_ count: Int) -> Int? {
            guard position + count <= scalars.count else { return nil }
            var value = 0
            for scalar in scalars[position..<(position + count)] {
                guard scalar.isASCII, scalar.properties.numericType != nil,
                      let digit = Int(String(scalar))
                else { return nil }
                value = value * 10 + digit
            }
            position += count
            return value
        }
        func atDigit() -> Bool {
            position < scalars.count && scalars[position].isASCII && scalars[position].properties.numericType != nil
        }

        guard let year = digits(4) else { return nil }
        var parts = [1, 1, 0, 0, 0]  // month, day, hour, minute, second
        var partsRead = 0
        for slot in parts.indices {
            guard atDigit() else { break }
            guard let value = digits(2) else { return nil }
            parts[slot] = value
            partsRead += 1
        }
        var fraction = 0.0
        if position < scalars.count, scalars[position] == "." {
            guard partsRead == parts.count else { return nil }  // a fraction only follows seconds
            position += 1
            var scale = 0.1
            var count = 0
            while atDigit(), let digit = digits(1) {
                fraction += Double(digit) * scale
                scale /= 10
                count += 1
            }
            guard (1...4).contains(count) else { return nil }
        }
        var offsetSeconds = SubmittedTimestamp.chinaOffsetSeconds
        if position < scalars.count, scalars[position] == "+" || scalars[position] == "-" {
            let sign = scalars[position] == "-" ? -1 : 1
            position += 1
            guard let hours = digits(2), let minutes = digits(2), hours <= 23, minutes <= 59 else { return nil }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        guard position == scalars.count else { return nil }

        let (month, day, hour, minute, second) = (parts[0], parts[1], parts[2], parts[3], parts[4])
        guard (1...12).contains(month), day >= 1, day <= EventTimestamp.daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 59
        else { return nil }
        let days = Int(EventTimestamp.daysSince1970(year: year, month: month, day: day))
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// `date` as `YYYYMMDDHHMMSS+0000` (UTC), the form we write into MSH-7.
    public static func string(from date: Date) -> String {
        let interval = date.timeIntervalSince1970
        // Clamp to years 0001...9999 so any Date, however odd, formats without trapping.
        let clamped = interval.isFinite ? min(max(interval, -62_135_596_800), 253_402_300_799) : 0
        let total = Int(clamped.rounded(.down))
        let days = Int((Double(total) / 86_400).rounded(.down))
        let secondsOfDay = total - days * 86_400
        let (year, month, day) = EventTimestamp.civilDate(daysSince1970: Int64(days))
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(year, 4) + pad(month, 2) + pad(day, 2)
            + pad(secondsOfDay / 3600, 2) + pad(secondsOfDay % 3600 / 60, 2) + pad(secondsOfDay % 60, 2) + "+0000"
    }
}
