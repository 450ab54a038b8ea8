/// The 64-bit FNV-1a hash: small, stable across processes, platforms and
/// releases (unlike `Hasher`), and good enough to derive advisory-lock keys and
/// change-detecting checksums. Not a cryptographic hash.
///
/// Concurrency: pure functions.
enum FNV1a64 {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The hash of the UTF-8 bytes of `text`.
    static func hash(_ text: String) -> UInt64 {
        var hash = Self.offsetBasis
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= Self.prime
        }
        return hash
    }

    /// The hash as 16 lower-case hex digits.
    static func hexDigest(_ text: String) -> String {
        let hex = String(Self.hash(text), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
