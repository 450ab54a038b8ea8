import CRdKafka

/// A record read from Kafka.
///
/// Key, value and headers stay in librdkafka's buffer until the last message
/// of its batch is gone (no copy and no allocation per message on the hot
/// path); the accessors copy out on demand, `withUnsafeValue` reads in place.
/// Values are immutable and freely `Sendable`.
public struct KafkaMessage: Sendable {
    /// The topic it was read from.
    public let topic: String
    /// The partition it was read from.
    public let partition: Int32
    /// Its offset in the partition.
    public let offset: Int64
    /// The record timestamp in milliseconds since the epoch, if the broker gave one.
    public let timestampMilliseconds: Int64?
    private let storage: Storage

    private enum Storage: Sendable {
        case fetched(FetchedMessages, Int)
        case owned(OwnedPayload)
    }

    /// Creates a message from Swift values (tests, dead-letter replays).
    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [], timestampMilliseconds: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestampMilliseconds = timestampMilliseconds
        self.storage = .owned(OwnedPayload(key: key, value: value, headers: headers))
    }

    init(topic: String, batch: FetchedMessages, index: Int) {
        let message = batch.message(at: index)
        self.topic = topic
        self.partition = message.pointee.partition
        self.offset = message.pointee.offset
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(message, &type)
        self.timestampMilliseconds = type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : ts
        self.storage = .fetched(batch, index)
    }

    /// The record key, copied; `nil` for a null key.
    public var key: [UInt8]? {
        switch storage {
        case .owned(let payload): return payload.key
        case .fetched(let batch, let index):
            let m = batch.message(at: index).pointee
            return m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        }
    }

    /// The record value, copied; `nil` for a tombstone.
    public var value: [UInt8]? {
        withUnsafeValue { $0.map { Array($0) } }
    }

    /// The value's length in bytes (0 for a tombstone).
    public var valueCount: Int {
        withUnsafeValue { $0?.count ?? 0 }
    }

    /// Reads the value in place; the buffer is valid only inside `body`.
    public func withUnsafeValue<R>(_ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        switch storage {
        case .owned(let payload):
            guard let value = payload.value else { return try body(nil) }
            return try value.withUnsafeBytes { try body($0) }
        case .fetched(let batch, let index):
            let m = batch.message(at: index).pointee
            return try body(m.payload.map { UnsafeRawBufferPointer(start: $0, count: m.len) })
        }
    }

    /// The record headers, in order (parsed on each access).
    public var headers: [KafkaHeader] {
        switch storage {
        case .owned(let payload): return payload.headers
        case .fetched(let batch, let index): return Self.headers(of: batch.message(at: index))
        }
    }

    /// The partition this message came from.
    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
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

/// Key, value and headers of a message built in Swift.
final class OwnedPayload: Sendable {
    let key: [UInt8]?
    let value: [UInt8]?
    let headers: [KafkaHeader]

    init(key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader]) {
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// The librdkafka messages of one poll, destroyed together when the last
/// ``KafkaMessage`` referring to them is gone.
///
/// `@unchecked Sendable`: the C messages are never mutated after they are
/// handed over, and librdkafka allows reading and destroying them from any thread.
final class FetchedMessages: @unchecked Sendable {
    private var messages: [UnsafeMutablePointer<rd_kafka_message_t>] = []

    init(capacity: Int) {
        messages.reserveCapacity(capacity)
    }

    /// Takes ownership of `message`; returns its index. Only while the batch is being filled.
    func append(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> Int {
        messages.append(message)
        return messages.count - 1
    }

    func message(at index: Int) -> UnsafeMutablePointer<rd_kafka_message_t> {
        messages[index]
    }

    deinit {
        for message in messages { rd_kafka_message_destroy(message) }
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
