/// Reads a plain decimal number (a Ct value, a version) from text labs send.
///
/// Accepts an optional sign, digits and at most one decimal point, with at least one
/// digit: `32`, `32.50`, `.5`, `-1`. Rejects what `Double(_:)` would otherwise take and
/// no lab means (`inf`, `nan`, `0x1p3`, `1e3`) and decimal commas.
///
/// Concurrency: stateless.
enum SubmittedDecimal {
    /// The number `bytes` spell, or `nil`.
    static func value<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Double? {
        var digits = 0
        var points = 0
        var first = true
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
            case UInt8(ascii: "."):
                points += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard first else { return nil }
            default:
                return nil
            }
            first = false
        }
        guard digits > 0, points <= 1, digits <= 40 else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    /// The number `text` spells, or `nil`.
    static func value(_ text: String) -> Double? {
        value(text.utf8)
    }
}
