import CRdKafka

/// An error reported by librdkafka or by FangyiKafka itself.
///
/// `code` is librdkafka's error code (`rd_kafka_resp_err_t`), stable across
/// versions; `name` is its symbolic name (for logs and metrics labels).
/// Values are immutable and `Sendable`.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// librdkafka's numeric error code.
    public let code: Int32
    /// librdkafka's symbolic name for `code`, e.g. `_QUEUE_FULL` or `UNKNOWN_TOPIC_OR_PART`.
    public let name: String
    /// A human message: what failed and why.
    public let message: String
    /// Whether the same request may succeed if repeated later.
    public let isRetriable: Bool
    /// Whether the client instance is unusable and must be recreated.
    public let isFatal: Bool
    /// Where the error happened (operation, topic, property), for logs.
    public let context: [String: String]

    /// Creates an error from its parts; library code mostly uses the `rd_kafka_resp_err_t` initialisers.
    public init(code: Int32, name: String, message: String, isRetriable: Bool = false, isFatal: Bool = false, context: [String: String] = [:]) {
        self.code = code
        self.name = name
        self.message = message
        self.isRetriable = isRetriable
        self.isFatal = isFatal
        self.context = context
    }

    init(_ err: rd_kafka_resp_err_t, message: String? = nil, context: [String: String] = [:]) {
        let name = String(cString: rd_kafka_err2name(err))
        let text = message ?? String(cString: rd_kafka_err2str(err))
        self.init(
            code: err.rawValue, name: name, message: text,
            isRetriable: KafkaError.retriableCodes.contains(err.rawValue),
            isFatal: err == RD_KAFKA_RESP_ERR__FATAL,
            context: context
        )
    }

    /// Takes ownership of an `rd_kafka_error_t` and destroys it.
    init(consuming error: OpaquePointer, context: [String: String] = [:]) {
        defer { rd_kafka_error_destroy(error) }
        let err = rd_kafka_error_code(error)
        self.init(
            code: err.rawValue,
            name: String(cString: rd_kafka_error_name(error)),
            message: String(cString: rd_kafka_error_string(error)),
            isRetriable: rd_kafka_error_is_retriable(error) != 0 || KafkaError.retriableCodes.contains(err.rawValue),
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            context: context
        )
    }

    /// Codes where waiting and retrying is the right reaction (broker or leader temporarily away).
    private static let retriableCodes: Set<Int32> = [
        RD_KAFKA_RESP_ERR__TRANSPORT.rawValue, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue,
        RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT.rawValue,
        RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE.rawValue,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION.rawValue, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT.rawValue,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS.rawValue, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND.rawValue,
        RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION.rawValue, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE.rawValue,
        RD_KAFKA_RESP_ERR_NOT_COORDINATOR.rawValue, RD_KAFKA_RESP_ERR__WAIT_COORD.rawValue,
        RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART.rawValue, RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION.rawValue,
    ]

    /// An error raised by FangyiKafka itself rather than librdkafka (code -1, name `fangyi.<what>`).
    static func client(_ what: String, _ message: String, context: [String: String] = [:]) -> KafkaError {
        KafkaError(code: -1, name: "fangyi.\(what)", message: message, context: context)
    }

    /// `true` when the local producer queue was full.
    public var isQueueFull: Bool { code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue }

    public var description: String {
        let ctx = context.isEmpty ? "" : " " + context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "KafkaError(\(name)): \(message)\(ctx)"
    }
}

/// Reads a NUL-terminated C string out of an error buffer.
func string(fromErrorBuffer buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { pointer in
        pointer.baseAddress.map { String(cString: $0) } ?? ""
    }
}
