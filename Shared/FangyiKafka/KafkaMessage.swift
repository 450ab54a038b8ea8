import CRdKafka

/// A record read from Kafka.
///
/// Key, value and headers stay in librdkafka's buffer until the last copy of
/// the message is gone (no copy on the hot path); the accessors copy out on
/// demand, `withUnsafeValue` reads in place. Values are immutable and freely
/// `Sendable`.
public struct KafkaMessage: Sendable {
    /// The topic it was read from.
    public let topic: String
    /// The partition it was read from.
    public let partition: Int32
    /// Its offset in the partition.
    public let offset: Int64
    /// The record timestamp in milliseconds since the epoch, if the broker gave one.
    public let timestampMilliseconds: Int64?
    let storage: MessageStorage

    /// Creates a message from Swift values (tests, dead-letter replays).
    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [], timestampMilliseconds: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestampMilliseconds = timestampMilliseconds
        self.storage = MessageStorage(key: key, value: value, headers: headers)
    }

    init(topic: String, consuming message: UnsafeMutablePointer<rd_kafka_message_t>) {
        self.topic = topic
        self.partition = message.pointee.partition
        self.offset = message.pointee.offset
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(message, &type)
        self.timestampMilliseconds = type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : ts
        self.storage = MessageStorage(consuming: message)
    }

    /// The record key, copied; `nil` for a null key.
    public var key: [UInt8]? { storage.key }
    /// The record value, copied; `nil` for a tombstone.
    public var value: [UInt8]? { storage.value }
    /// The record headers, in order (parsed on each access).
    public var headers: [KafkaHeader] { storage.headers }
    /// The value's length in bytes (0 for a tombstone).
    public var valueCount: Int { storage.valueCount }

    /// Reads the value in place; the buffer is valid only inside `body`.
    public func withUnsafeValue<R>(_ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        try storage.withUnsafeValue(body)
    }

    /// The partition this message came from.
    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }
}

/// Owns either a librdkafka message (destroyed with the last reference) or Swift copies.
///
/// `@unchecked Sendable`: the C message is never mutated after it is handed
/// over, and librdkafka allows reading and destroying it from any thread.
final class MessageStorage: @unchecked Sendable {
    private let message: UnsafeMutablePointer<rd_kafka_message_t>?
    private let ownedKey: [UInt8]?
    private let ownedValue: [UInt8]?
    private let ownedHeaders: [KafkaHeader]

    init(consuming message: UnsafeMutablePointer<rd_kafka_message_t>) {
        self.message = message
        ownedKey = nil
        ownedValue = nil
        ownedHeaders = []
    }

    init(key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader]) {
        message = nil
        ownedKey = key
        ownedValue = value
        ownedHeaders = headers
    }

    deinit {
        if let message { rd_kafka_message_destroy(message) }
    }

    var key: [UInt8]? {
        guard let m = message?.pointee else { return ownedKey }
        return m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
    }

    var value: [UInt8]? {
        guard let m = message?.pointee else { return ownedValue }
        return m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) }
    }

    var valueCount: Int {
        guard let m = message?.pointee else { return ownedValue?.count ?? 0 }
        return m.payload == nil ? 0 : m.len
    }

    func withUnsafeValue<R>(_ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        guard let m = message?.pointee else {
            guard let ownedValue else { return try body(nil) }
            return try ownedValue.withUnsafeBytes { try body($0) }
        }
        return try body(m.payload.map { UnsafeRawBufferPointer(start: $0, count: m.len) })
    }

    var headers: [KafkaHeader] {
        guard let message else { return ownedHeaders }
        var hdrs: OpaquePointer? = nil
        guard rd_kafka_message_headers(message, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs else { return [] }
        var headers: [KafkaHeader] = []
        headers.reserveCapacity(rd_kafka_header_cnt(hdrs))
        var name: UnsafePointer<CChar>? = nil
        var val: UnsafeRawPointer? = nil
        var size = 0
        var index = 0
        while rd_kafka_header_get_all(hdrs, index, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            headers.append(KafkaHeader(
                key: name.map { String(cString: $0) } ?? "",
                value: val.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
            index += 1
        }
        return headers
    }
}

/// A record to write to Kafka.
public struct KafkaProducerMessage: Sendable {
    /// The destination topic.
    public var topic: String
    /// An explicit partition, or `nil` to let the partitioner choose by key.
    public var partition: Int32?
    /// The record key (partitioning and per-key order), or `nil`.
    public var key: [UInt8]?
    /// The record value, or `nil` for a tombstone.
    public var value: [UInt8]?
    /// Headers, in order.
    public var headers: [KafkaHeader]

    /// Creates a message to send.
    public init(topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = []) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// Where an acknowledged message was written.
public struct DeliveryReport: Sendable, Hashable {
    /// The topic.
    public var topic: String
    /// The partition the broker stored it in.
    public var partition: Int32
    /// Its offset in that partition.
    public var offset: Int64
}
