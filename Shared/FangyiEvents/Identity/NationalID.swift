/// A person's identity document number in the one canonical form that ``SubjectRefGenerator``
/// hashes, so that the same person always gets the same subject ref however the ID was typed.
///
/// - PRC resident identity card numbers (GB 11643): ``normalize(_:)`` removes spaces, hyphens
///   and full-width forms, uppercases the check character `X`, converts a 15-digit
///   first-generation number to 18 digits, and checks the birth date and the checksum. The
///   canonical form is the 18 characters.
/// - Other documents (passports, Hong Kong/Macau/Taiwan permits, foreign IDs):
///   ``normalize(identifier:authority:)`` gives `AUTHORITY|VALUE`, both uppercased, with
///   spaces, hyphens and parentheses removed from the value.
///
/// ``description`` is redacted: the value is personal data and must not reach logs by accident.
///
/// Concurrency: an immutable `Sendable` value.
public struct NationalID: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The canonical form hashed into the subject ref. Personal data: never log it.
    public let normalized: String

    private init(normalized: String) {
        self.normalized = normalized
    }

    /// `NationalID(redacted)`. Concurrency: pure.
    public var description: String { "NationalID(redacted)" }
    /// `NationalID(redacted)`. Concurrency: pure.
    public var debugDescription: String { description }

    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters: [UInt8] = Array("10X98765432".utf8)

    /// Normalizes and validates a PRC resident identity card number.
    /// - Throws: ``IdentityError`` with field `nationalId` and code `national_id.empty`,
    ///   `.invalid_length`, `.invalid_character`, `.invalid_birth_date` or `.checksum_mismatch`.
    /// Concurrency: pure.
    public static func normalize(_ raw: String) throws(IdentityError) -> NationalID {
        var characters = cleaned(raw)
        guard !characters.isEmpty else {
            throw IdentityError(code: IdentityError.Code.empty, message: "the resident ID is empty", field: "nationalId")
        }
        let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9"), x = UInt8(ascii: "X")
        if characters.count == 15 {
            guard characters.allSatisfy({ $0 >= zero && $0 <= nine }) else {
                throw IdentityError(code: IdentityError.Code.invalidCharacter,
                                    message: "a 15-digit resident ID may contain digits only", field: "nationalId")
            }
            // First-generation IDs omit the century (all holders were born in the 1900s) and the check character.
            characters.insert(contentsOf: [UInt8(ascii: "1"), nine], at: 6)
            characters.append(checkCharacter(characters))
        }
        guard characters.count == 18 else {
            throw IdentityError(code: IdentityError.Code.invalidLength,
                                message: "a resident ID has 18 characters (or 15 for first-generation cards); got \(characters.count)",
                                field: "nationalId")
        }
        for (position, character) in characters.enumerated() {
            let isDigit = character >= zero && character <= nine
            guard isDigit || (position == 17 && character == x) else {
                throw IdentityError(code: IdentityError.Code.invalidCharacter,
                                    message: position == 17
                                        ? "the check character (position 18) must be a digit or X"
                                        : "position \(position + 1) of a resident ID must be a digit",
                                    field: "nationalId")
            }
        }
        func number(_ range: Range<Int>) -> Int {
            characters[range].reduce(0) { $0 * 10 + Int($1 - zero) }
        }
        let year = number(6..<10), month = number(10..<12), day = number(12..<14)
        guard (1800...2199).contains(year), (1...12).contains(month),
              day >= 1, day <= EventTimestamp.daysInMonth(year: year, month: month)
        else {
            throw IdentityError(code: IdentityError.Code.invalidBirthDate,
                                message: "positions 7–14 of a resident ID must be a real birth date (YYYYMMDD)",
                                field: "nationalId")
        }
        guard characters[17] == checkCharacter(characters) else {
            throw IdentityError(code: IdentityError.Code.checksumMismatch,
                                message: "the check character of the resident ID does not match (GB 11643); check for a typo",
                                field: "nationalId")
        }
        return NationalID(normalized: String(decoding: characters, as: UTF8.self))
    }

    /// Normalizes a non-resident document number and its assigning authority as
    /// `AUTHORITY|VALUE`.
    ///
    /// The authority names the issuer and document kind, for example `USA-PASSPORT` or
    /// `HKG-ID`; it is uppercased and may contain `A–Z`, `0–9`, `.`, `_` and `-` (at most 64).
    /// The value loses spaces, hyphens and parentheses, is uppercased, and may then contain
    /// `A–Z` and `0–9` only (at most 64).
    /// - Throws: ``IdentityError`` with field `authority` (`national_id.invalid_authority`) or
    ///   `nationalId` (`national_id.empty`, `national_id.invalid_character`,
    ///   `national_id.invalid_length`).
    /// Concurrency: pure.
    public static func normalize(identifier: String, authority: String) throws(IdentityError) -> NationalID {
        let authorityBytes = Array(String(authority.unicodeScalars.filter { !$0.properties.isWhitespace }).uppercased().utf8)
        let authorityAllowed = authorityBytes.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
        guard !authorityBytes.isEmpty, authorityBytes.count <= 64, authorityAllowed else {
            throw IdentityError(code: IdentityError.Code.invalidAuthority,
                                message: "the assigning authority must be 1–64 of A–Z, 0–9, '.', '_' or '-'",
                                field: "authority")
        }
        let value = cleaned(identifier, extraSeparators: [UInt8(ascii: "("), UInt8(ascii: ")")])
        guard !value.isEmpty else {
            throw IdentityError(code: IdentityError.Code.empty, message: "the identifier is empty", field: "nationalId")
        }
        guard value.count <= 64 else {
            throw IdentityError(code: IdentityError.Code.invalidLength,
                                message: "the identifier is longer than 64 characters", field: "nationalId")
        }
        guard value.allSatisfy(isAlphanumeric) else {
            throw IdentityError(code: IdentityError.Code.invalidCharacter,
                                message: "the identifier may contain only letters A–Z and digits after normalization",
                                field: "nationalId")
        }
        return NationalID(normalized: String(decoding: authorityBytes, as: UTF8.self) + "|"
                          + String(decoding: value, as: UTF8.self))
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// The 18-character resident ID made of `stem` (17 digits: area code, birth date
    /// YYYYMMDD, sequence) and its GB 11643 check character; for synthetic populations
    /// (simulator, tests). `stem` must be 17 ASCII digits.
    public static func completing(stem: String) -> String {
        let digits = Array(stem.utf8)
        precondition(digits.count == 17 && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) },
                     "a resident ID stem is 17 digits")
        return stem + String(UnicodeScalar(checkCharacter(digits)))
    }

    /// The GB 11643 check character of the first 17 digits.
    private static func checkCharacter(_ characters: [UInt8]) -> UInt8 {
        var sum = 0
        for index in 0..<17 {
            sum += Int(characters[index] &- UInt8(ascii: "0")) * weights[index]
        }
        return checkCharacters[sum % 11]
    }

    /// Folds full-width forms to ASCII, uppercases ASCII letters, and drops whitespace,
    /// hyphens and dashes (plus `extraSeparators`). Non-ASCII characters that remain are kept
    /// as-is so that validation reports them.
    private static func cleaned(_ raw: String, extraSeparators: [UInt8] = []) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(raw.utf8.count)
        for scalar in raw.unicodeScalars {
            var value = scalar.value
            if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }  // full-width ASCII forms
            let isWhitespace = value < 0x80 ? (value == 0x20 || (0x09...0x0D).contains(value)) : scalar.properties.isWhitespace
            if isWhitespace || value == 0x2D || (0x2010...0x2015).contains(value) || value == 0x2212 {
                continue
            }
            guard value < 0x80 else {
                result.append(0xFF)  // never valid; validation reports an invalid character
                continue
            }
            var byte = UInt8(value)
            if byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") { byte -= 32 }
            if extraSeparators.contains(byte) { continue }
            result.append(byte)
        }
        return result
    }
}
