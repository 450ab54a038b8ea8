public import Foundation
import Crypto

/// Deterministic event ids: name-based UUIDs (version 5, SHA-1; RFC 9562 §5.5) of the inputs
/// that caused an event, so that a retry or a replay yields the same `ce_id` and consumers can
/// drop duplicates.
///
/// The name hashed is the ordered input strings, each as a 4-byte big-endian UTF-8 length
/// followed by its UTF-8 bytes. Length prefixes make the encoding unambiguous:
/// `("ab", "c")` and `("a", "bc")` give different ids. ``derive(_:from:)`` puts the event type
/// first, so two event types caused by the same inputs never share an id.
///
/// Ids are rendered in lowercase (``string(_:)``), the canonical UUID text form.
///
/// Concurrency: stateless; every function is safe to call from any thread.
public enum EventID {
    /// The Fangyi namespace: the version-5 UUID of the URL `https://fangyi.dev/ns/event-id` in
    /// the RFC 9562 URL namespace (`abbf8b41-3a36-589a-99b2-3e8600ff230b`). Never change it:
    /// every id ever issued depends on it.
    public static let namespace = UUID(uuid: (
        0xAB, 0xBF, 0x8B, 0x41, 0x3A, 0x36, 0x58, 0x9A, 0x99, 0xB2, 0x3E, 0x86, 0x00, 0xFF, 0x23, 0x0B
    ))

    /// The RFC 9562 namespace for fully qualified domain names.
    public static let dnsNamespace = UUID(uuid: (
        0x6B, 0xA7, 0xB8, 0x10, 0x9D, 0xAD, 0x11, 0xD1, 0x80, 0xB4, 0x00, 0xC0, 0x4F, 0xD4, 0x30, 0xC8
    ))

    /// The RFC 9562 namespace for URLs.
    public static let urlNamespace = UUID(uuid: (
        0x6B, 0xA7, 0xB8, 0x11, 0x9D, 0xAD, 0x11, 0xD1, 0x80, 0xB4, 0x00, 0xC0, 0x4F, 0xD4, 0x30, 0xC8
    ))

    /// The id of an event of type `E` caused by `inputs` (for example the lab id, specimen id
    /// and result version that produced a LabResultRecorded). Concurrency: pure.
    public static func derive<E: FangyiEvent>(_: E.Type, from inputs: [String]) -> UUID {
        derive([E.eventType] + inputs)
    }

    /// The id for the ordered `parts` in the Fangyi ``namespace``. Concurrency: pure.
    public static func derive(_ parts: [String]) -> UUID {
        var name: [UInt8] = []
        name.reserveCapacity(parts.reduce(0) { $0 + 4 + $1.utf8.count })
        for part in parts {
            let count = UInt32(truncatingIfNeeded: part.utf8.count)
            name.append(UInt8(truncatingIfNeeded: count >> 24))
            name.append(UInt8(truncatingIfNeeded: count >> 16))
            name.append(UInt8(truncatingIfNeeded: count >> 8))
            name.append(UInt8(truncatingIfNeeded: count))
            name.append(contentsOf: part.utf8)
        }
        return nameBased(namespace: namespace, name: name)
    }

    /// The version-5 (SHA-1) name-based UUID of `name` in `namespace`, per RFC 9562 §5.5:
    /// SHA-1 over the namespace's 16 bytes followed by the name, the first 16 bytes of the
    /// digest, version nibble 5, variant bits `10`. Concurrency: pure.
    public static func nameBased(namespace: UUID, name: [UInt8]) -> UUID {
        var hasher = Insecure.SHA1()
        withUnsafeBytes(of: namespace.uuid) { hasher.update(bufferPointer: $0) }
        name.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        var bytes = [UInt8](repeating: 0, count: 16)
        hasher.finalize().withUnsafeBytes { digest in
            for index in 0..<16 { bytes[index] = digest[index] }
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
    }

    /// The canonical lowercase text form of `id`, as used in `ce_id`. Concurrency: pure.
    public static func string(_ id: UUID) -> String {
        id.uuidString.lowercased()
    }
}
