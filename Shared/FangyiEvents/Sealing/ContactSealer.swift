public import Foundation
import Crypto

/// Seals ``ContactDetails`` into a ``SealedBlob`` and opens it again (AES-256-GCM).
///
/// Holds a key ring: the first key seals, every key opens, so a key can be rotated by
/// prepending a new one, waiting until no retained event uses the old one (the longest topic
/// retention), then removing it. `FANGYI_CONTACT_KEY` holds the ring as
/// `keyid:base64key` entries separated by commas or whitespace, newest first, for example
/// `k2022b:3q2+7w...=,k2022a:q83vEj...=`.
///
/// Each blob is bound to a subject ref through the GCM associated data
/// (`fangyi.contact.v1|<subjectRef>`): opening it for another subject fails, so a blob cannot
/// be moved to someone else's event. Nonces are random (96 bits) per seal.
///
/// Concurrency: an immutable `Sendable` value; share one instance across tasks.
public struct ContactSealer: Sendable {
    /// The environment variable holding the key ring.
    public static let environmentVariable = "FANGYI_CONTACT_KEY"

    private let sealingKey: ContactKey
    private let keys: [String: [UInt8]]

    /// The ids of the keys held, sealing key first. Concurrency: pure.
    public let keyIDs: [String]

    /// The id of the key that seals new blobs.
    public var sealingKeyID: String { sealingKey.id }

    /// Creates a sealer from a key ring; the first key seals.
    /// - Throws: ``SealingError`` `contact_key.missing` for an empty ring or
    ///   `contact_key.duplicate_id` when two keys share an id.
    /// Concurrency: pure.
    public init(keys: [ContactKey]) throws(SealingError) {
        guard let first = keys.first else {
            throw SealingError(code: SealingError.Code.missingKey, message: "at least one contact key is needed",
                               field: Self.environmentVariable)
        }
        var ring: [String: [UInt8]] = [:]
        for key in keys {
            guard ring.updateValue(key.bytes, forKey: key.id) == nil else {
                throw SealingError(code: SealingError.Code.duplicateKeyID,
                                   message: "contact key id '\(key.id)' occurs twice", field: "keyId")
            }
        }
        self.sealingKey = first
        self.keys = ring
        self.keyIDs = keys.map(\.id)
    }

    /// Creates a sealer from the `keyid:base64key[,keyid:base64key...]` format.
    /// - Throws: ``SealingError`` naming the malformed entry by position (never its key).
    /// Concurrency: pure.
    public init(keyRing: String) throws(SealingError) {
        let entries = keyRing.split(whereSeparator: { $0 == "," || $0.isWhitespace })
        var keys: [ContactKey] = []
        for (position, entry) in entries.enumerated() {
            guard let colon = entry.firstIndex(of: ":") else {
                throw SealingError(code: SealingError.Code.invalidKey,
                                   message: "entry \(position + 1) of the contact key ring is not 'keyid:base64key'",
                                   field: Self.environmentVariable)
            }
            keys.append(try ContactKey(id: String(entry[..<colon]), base64: String(entry[entry.index(after: colon)...])))
        }
        try self.init(keys: keys)
    }

    /// Creates a sealer from `FANGYI_CONTACT_KEY` in `environment`.
    /// - Throws: ``SealingError`` `contact_key.missing` when unset, or a key ring error.
    /// Concurrency: pure given the dictionary; reading `ProcessInfo` is thread-safe.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(SealingError) {
        guard let value = environment[Self.environmentVariable],
              !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw SealingError(code: SealingError.Code.missingKey,
                               message: "\(Self.environmentVariable) is not set ('keyid:base64 of 32 bytes', newest first)",
                               field: Self.environmentVariable)
        }
        try self.init(keyRing: value)
    }

    /// Seals `details` for `subjectRef` with the sealing key.
    /// - Throws: ``SealingError`` `sealing.seal_failed` (practically never).
    /// Concurrency: thread-safe.
    public func seal(_ details: ContactDetails, for subjectRef: String) throws(SealingError) -> SealedBlob {
        do {
            let plaintext = try EventJSON.encode(details)
            let box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: sealingKey.bytes),
                                       authenticating: Self.associatedData(subjectRef))
            guard let combined = box.combined else {
                throw SealingError(code: SealingError.Code.sealFailed, message: "AES-GCM produced no combined form",
                                   field: "combined")
            }
            return SealedBlob(keyId: sealingKey.id, combined: combined.base64EncodedString())
        } catch let error as SealingError {
            throw error
        } catch {
            throw SealingError(code: SealingError.Code.sealFailed, message: "sealing failed: \(type(of: error))",
                               field: "combined")
        }
    }

    /// Opens `blob`, which must have been sealed for `subjectRef` with a key this sealer holds.
    /// - Throws: ``SealingError`` `sealing.unknown_key_id`, `sealing.malformed_blob`,
    ///   `sealing.authentication_failed` or `sealing.malformed_contact`.
    /// Concurrency: thread-safe.
    public func open(_ blob: SealedBlob, for subjectRef: String) throws(SealingError) -> ContactDetails {
        guard let key = keys[blob.keyId] else {
            throw SealingError(code: SealingError.Code.unknownKeyID,
                               message: "no contact key with id '\(blob.keyId.prefix(64))'; held: \(keyIDs.joined(separator: ", "))",
                               field: "keyId")
        }
        guard let combined = Data(base64Encoded: blob.combined), combined.count >= 12 + 16 else {
            throw SealingError(code: SealingError.Code.malformedBlob,
                               message: "the sealed blob is not base64 of nonce, ciphertext and tag", field: "combined")
        }
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            plaintext = try AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: Self.associatedData(subjectRef))
        } catch {
            throw SealingError(code: SealingError.Code.authenticationFailed,
                               message: "the sealed blob does not authenticate: tampered, or sealed for another subject or key",
                               field: "combined")
        }
        do {
            return try EventJSON.decode(ContactDetails.self, from: plaintext)
        } catch {
            throw SealingError(code: SealingError.Code.malformedContact,
                               message: "the opened blob is not contact details", field: "combined")
        }
    }

    private static func associatedData(_ subjectRef: String) -> [UInt8] {
        Array("fangyi.contact.v1|\(subjectRef)".utf8)
    }
}
