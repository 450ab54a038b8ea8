/// How to reach a person: the personal data that travels only inside a ``SealedBlob``.
///
/// Intake seals it, the notifier opens it to send a quarantine or retest order. It never
/// appears in plain text on the bus, in keys, headers, logs or metric labels, so its
/// ``description`` is redacted.
///
/// Concurrency: a `Sendable` value.
public struct ContactDetails: Codable, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The person's name.
    public var name: String
    /// The person's phone number, as given.
    public var phone: String
    /// The person's address, when known.
    public var address: String?
    /// The preferred language as a BCP 47 tag (`zh-CN`, `en`), when known.
    public var preferredLanguage: String?

    /// Creates contact details. Concurrency: pure.
    public init(name: String, phone: String, address: String? = nil, preferredLanguage: String? = nil) {
        self.name = name
        self.phone = phone
        self.address = address
        self.preferredLanguage = preferredLanguage
    }

    /// `ContactDetails(redacted)`. Concurrency: pure.
    public var description: String { "ContactDetails(redacted)" }
    /// `ContactDetails(redacted)`. Concurrency: pure.
    public var debugDescription: String { description }
}
