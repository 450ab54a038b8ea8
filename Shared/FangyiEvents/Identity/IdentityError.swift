/// Why a national ID or a subject key was refused.
///
/// Carries a stable ``code``, a human ``message`` and the ``field`` at fault (`nationalId`,
/// `authority`, or the environment variable name). Messages never repeat the ID itself: IDs are
/// personal data and errors end up in logs.
///
/// Concurrency: a `Sendable` value.
public struct IdentityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable error codes.
    public enum Code {
        /// The ID is empty after removing spaces and hyphens.
        public static let empty = "national_id.empty"
        /// A resident ID that is neither 18 nor 15 characters long.
        public static let invalidLength = "national_id.invalid_length"
        /// A character that cannot appear at its position.
        public static let invalidCharacter = "national_id.invalid_character"
        /// The birth date inside a resident ID is not a real date.
        public static let invalidBirthDate = "national_id.invalid_birth_date"
        /// The GB 11643 check character does not match.
        public static let checksumMismatch = "national_id.checksum_mismatch"
        /// The assigning authority of a non-resident ID is empty or malformed.
        public static let invalidAuthority = "national_id.invalid_authority"
        /// The subject key is missing from the environment.
        public static let missingKey = "subject_key.missing"
        /// The subject key is not base64 or has the wrong length.
        public static let invalidKey = "subject_key.invalid"
    }

    /// The stable code, one of ``Code``.
    public var code: String
    /// A human-readable explanation (never containing the ID).
    public var message: String
    /// What was at fault: `nationalId`, `authority`, or an environment variable name.
    public var field: String

    /// Creates an error. Concurrency: pure.
    public init(code: String, message: String, field: String) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// `code: message [field]`. Concurrency: pure.
    public var description: String { "\(code): \(message) [\(field)]" }
}
