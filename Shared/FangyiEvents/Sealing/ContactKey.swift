import Foundation

/// One AES-256 key for sealing contact details, with the id that names it inside blobs.
///
/// Concurrency: an immutable `Sendable` value. Its ``description`` never shows the key.
public struct ContactKey: Sendable, CustomStringConvertible {
    /// The key id: 1–64 of `A–Z a–z 0–9 . _ -`.
    public let id: String
    // Raw bytes rather than a SymmetricKey: swift-crypto's SymmetricKey is not Sendable.
    let bytes: [UInt8]

    /// Creates a key from its id and 32 raw bytes.
    /// - Throws: ``SealingError`` `contact_key.invalid` for a malformed id or another length.
    /// Concurrency: pure.
    public init(id: String, bytes: [UInt8]) throws(SealingError) {
        guard Self.isValidID(id) else {
            throw SealingError(code: SealingError.Code.invalidKey,
                               message: "a contact key id must be 1–64 of A–Z, a–z, 0–9, '.', '_' or '-'",
                               field: "keyId")
        }
        guard bytes.count == 32 else {
            throw SealingError(code: SealingError.Code.invalidKey,
                               message: "contact key '\(id)' must be 32 bytes (AES-256); got \(bytes.count)",
                               field: "keyId")
        }
        self.id = id
        self.bytes = bytes
    }

    /// Creates a key from its id and the standard base64 of 32 bytes.
    /// - Throws: ``SealingError`` `contact_key.invalid` when the text is not base64 or the
    ///   key is not 32 bytes.
    /// Concurrency: pure.
    public init(id: String, base64: String) throws(SealingError) {
        guard let bytes = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw SealingError(code: SealingError.Code.invalidKey,
                               message: "contact key '\(id.prefix(64))' is not valid base64", field: "keyId")
        }
        try self.init(id: id, bytes: [UInt8](bytes))
    }

    /// `ContactKey(<id>)`. Concurrency: pure.
    public var description: String { "ContactKey(\(id))" }

    static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        return (1...64).contains(bytes.count) && bytes.allSatisfy {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }
}
