/// One Kafka record header. Kafka allows repeated keys and null values, so
/// headers travel as an ordered list, not a dictionary.
public struct KafkaHeader: Hashable, Sendable {
    /// The header name.
    public var key: String
    /// The header value; `nil` is Kafka's null value.
    public var value: [UInt8]?

    /// Creates a header.
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// Creates a header with a UTF-8 string value.
    public init(key: String, string: String) {
        self.init(key: key, value: Array(string.utf8))
    }

    /// The value decoded as UTF-8, if present.
    public var stringValue: String? { value.map { String(decoding: $0, as: UTF8.self) } }
}

extension Array where Element == KafkaHeader {
    /// The value of the first header named `key`, as UTF-8 text.
    public func string(_ key: String) -> String? {
        first { $0.key == key }?.stringValue
    }
}
