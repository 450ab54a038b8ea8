/// ``ContactDetails`` sealed with AES-256-GCM by a ``ContactSealer``, as carried in events
/// (`sealedContact`).
///
/// JSON: `{"keyId": "k2022a", "combined": "<base64>"}` where `combined` is the standard base64
/// of the 12-byte nonce, the ciphertext and the 16-byte tag. The plaintext is the JSON of the
/// contact details; the associated data binds the blob to one subject ref, so a blob copied
/// into another person's event does not open.
///
/// Concurrency: a `Sendable` value.
public struct SealedBlob: Codable, Sendable, Hashable {
    /// The id of the contact key that sealed the blob.
    public var keyId: String
    /// Base64 of nonce, ciphertext and tag.
    public var combined: String

    /// Creates a blob from its parts. Concurrency: pure.
    public init(keyId: String, combined: String) {
        self.keyId = keyId
        self.combined = combined
    }
}
