/// Why contact keys were refused or a blob could not be sealed or opened.
///
/// Carries a stable ``code``, a human ``message`` and the ``field`` at fault (`keyId`,
/// `combined`, `FANGYI_CONTACT_KEY`, ...). Messages never contain key material or contact details.
///
/// Concurrency: a `Sendable` value.
public struct SealingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable error codes.
    public enum Code {
        /// `FANGYI_CONTACT_KEY` is not set or holds no key.
        public static let missingKey = "contact_key.missing"
        /// A key entry is malformed: bad key id, not base64, or not 32 bytes.
        public static let invalidKey = "contact_key.invalid"
        /// Two keys share an id.
        public static let duplicateKeyID = "contact_key.duplicate_id"
        /// The blob names a key id this sealer does not hold.
        public static let unknownKeyID = "sealing.unknown_key_id"
        /// The blob is not base64 or too short to be nonce, ciphertext and tag.
        public static let malformedBlob = "sealing.malformed_blob"
        /// Authentication failed: the blob was tampered with, sealed for another subject, or
        /// sealed under another key with the same id.
        public static let authenticationFailed = "sealing.authentication_failed"
        /// The opened plaintext is not contact details.
        public static let malformedContact = "sealing.malformed_contact"
        /// Sealing itself failed (encoding or the cipher).
        public static let sealFailed = "sealing.seal_failed"
    }

    /// The stable code, one of ``Code``.
    public var code: String
    /// A human-readable explanation.
    public var message: String
    /// What was at fault.
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
