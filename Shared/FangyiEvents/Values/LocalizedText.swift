/// A text in Chinese and English. Public alerts are bilingual.
///
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct LocalizedText: Codable, Sendable, Hashable {
    /// The Chinese text.
    public var zh: String

    /// The English text.
    public var en: String

    /// Creates the value from its fields; optional fields default to absent.
    public init(
        zh: String,
        en: String
    ) {
        self.zh = zh
        self.en = en
    }
}
