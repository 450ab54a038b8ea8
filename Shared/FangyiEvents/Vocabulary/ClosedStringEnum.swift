/// A closed vocabulary carried as a JSON string (an enum with `String` raw values).
///
/// The default `init(from:)` rejects an unknown string with a `DecodingError.dataCorrupted`
/// whose coding path names the field and whose message lists the allowed values, so a
/// producer's typo or a value from a newer schema is reported precisely. Adding a case is
/// therefore a consumer-first change: deploy consumers that know it before any producer emits it.
///
/// Concurrency: conformers are `Sendable` value types.
public protocol ClosedStringEnum: RawRepresentable<String>, CaseIterable, Codable, Sendable, Hashable {}

extension ClosedStringEnum {
    /// Decodes one of the known raw values, or throws an error naming the allowed ones.
    /// Concurrency: pure.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            let allowed = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown value '\(raw.prefix(64))' for \(Self.self); expected one of: \(allowed)"
            )
        }
        self = value
    }
}
