public import Foundation
import Crypto

/// Turns a normalized national ID into a subject ref, the only way a person appears on the bus.
///
/// A subject ref is `sr_` followed by the unpadded base64url (RFC 4648 §5) of
/// HMAC-SHA256(key, UTF-8 of ``NationalID/normalized``): 46 characters, for example
/// `sr_q3Jt0bXo1Zl5XGdQm1vYp0nZk2cW9aF7uHs4LrTe8yU`. The same ID and key always give the same
/// ref; without the key (`FANGYI_SUBJECT_KEY`) a ref cannot be linked back to an ID, even by
/// trying every possible ID. Rotating the key changes every ref, so it is a re-keying of all
/// stored state, not a routine operation.
///
/// Concurrency: an immutable `Sendable` value; share one instance across tasks.
public struct SubjectRefGenerator: Sendable {
    /// The environment variable holding the key: standard base64 of 32–64 random bytes.
    public static let environmentVariable = "FANGYI_SUBJECT_KEY"
    /// The prefix of every subject ref.
    public static let prefix = "sr_"

    // Raw bytes rather than a SymmetricKey: swift-crypto's SymmetricKey is not Sendable.
    private let key: [UInt8]

    /// Creates a generator from raw key bytes (32 to 64 bytes).
    /// - Throws: ``IdentityError`` `subject_key.invalid` for another length.
    /// Concurrency: pure.
    public init(key: [UInt8]) throws(IdentityError) {
        guard (32...64).contains(key.count) else {
            throw IdentityError(code: IdentityError.Code.invalidKey,
                                message: "the subject key must be 32 to 64 bytes; got \(key.count)",
                                field: Self.environmentVariable)
        }
        self.key = key
    }

    /// Creates a generator from standard base64 (surrounding whitespace is ignored).
    /// - Throws: ``IdentityError`` `subject_key.invalid` when the text is not base64 or the key
    ///   is not 32 to 64 bytes.
    /// Concurrency: pure.
    public init(base64Key: String) throws(IdentityError) {
        guard let bytes = Data(base64Encoded: base64Key.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw IdentityError(code: IdentityError.Code.invalidKey, message: "the subject key is not valid base64",
                                field: Self.environmentVariable)
        }
        try self.init(key: [UInt8](bytes))
    }

    /// Creates a generator from `FANGYI_SUBJECT_KEY` in `environment`.
    /// - Throws: ``IdentityError`` `subject_key.missing` or `subject_key.invalid`.
    /// Concurrency: pure given the dictionary; reading `ProcessInfo` is thread-safe.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(IdentityError) {
        guard let value = environment[Self.environmentVariable], !value.isEmpty else {
            throw IdentityError(code: IdentityError.Code.missingKey,
                                message: "\(Self.environmentVariable) is not set (base64 of 32 random bytes)",
                                field: Self.environmentVariable)
        }
        try self.init(base64Key: value)
    }

    /// The subject ref of `id`. Concurrency: pure, thread-safe.
    public func subjectRef(for id: NationalID) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(id.normalized.utf8), using: SymmetricKey(data: key))
        return mac.withUnsafeBytes { Self.prefix + Base64URL.encode($0) }
    }

    /// Normalizes a PRC resident ID (see ``NationalID/normalize(_:)``) and returns its subject ref.
    /// - Throws: ``IdentityError`` from normalization.
    /// Concurrency: pure, thread-safe.
    public func subjectRef(forResidentID raw: String) throws(IdentityError) -> String {
        subjectRef(for: try NationalID.normalize(raw))
    }

    /// Whether `text` has the shape of a subject ref (`sr_` and 43 base64url characters).
    /// Concurrency: pure.
    public static func isSubjectRef(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 46, text.hasPrefix(prefix) else { return false }
        return bytes[3...].allSatisfy(Base64URL.isAlphabet)
    }
}
