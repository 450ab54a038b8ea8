public import FangyiKafka
public import Foundation

/// The dead-letter record for a message that could not be processed: the
/// original key, value and headers, plus headers naming the error and origin.
///
/// Concurrency: stateless functions.
public enum DeadLetter {
    /// Header names, stable for operators' tooling.
    public enum Header {
        /// `errorCode`.
        public static let errorCode = "fangyi_dlq_error_code"
        /// `errorMessage`.
        public static let errorMessage = "fangyi_dlq_error_message"
        /// `originTopic`.
        public static let originTopic = "fangyi_dlq_origin_topic"
        /// `originPartition`.
        public static let originPartition = "fangyi_dlq_origin_partition"
        /// `originOffset`.
        public static let originOffset = "fangyi_dlq_origin_offset"
        /// `group`.
        public static let group = "fangyi_dlq_group"
        /// `attempts`.
        public static let attempts = "fangyi_dlq_attempts"
        /// `failedAt`.
        public static let failedAt = "fangyi_dlq_failed_at"
    }

    static func message(for original: KafkaMessage, failure: ProcessingFailure, group: String, topic: String, attempts: Int, at time: Date) -> KafkaProducerMessage {
        message(for: original, code: failure.code, message: failure.message, group: group, topic: topic, attempts: attempts, at: time)
    }

    /// The dead-letter record for `original`: its key, value and headers, then the
    /// `fangyi_dlq_*` headers, then `extraHeaders` (more detail, such as one header per bad item).
    /// `message` must not contain personal data. Concurrency: pure.
    public static func message(for original: KafkaMessage, code: String, message: String, group: String, topic: String,
                               attempts: Int, at time: Date, extraHeaders: [KafkaHeader] = []) -> KafkaProducerMessage {
        var headers = original.headers
        headers.append(contentsOf: [
            KafkaHeader(key: Header.errorCode, string: code),
            KafkaHeader(key: Header.errorMessage, string: String(message.prefix(1000))),
            KafkaHeader(key: Header.originTopic, string: original.topic),
            KafkaHeader(key: Header.originPartition, string: String(original.partition)),
            KafkaHeader(key: Header.originOffset, string: String(original.offset)),
            KafkaHeader(key: Header.group, string: group),
            KafkaHeader(key: Header.attempts, string: String(attempts)),
            KafkaHeader(key: Header.failedAt, string: ISO8601DateFormatter().string(from: time)),
        ])
        headers.append(contentsOf: extraHeaders)
        return KafkaProducerMessage(topic: topic, key: original.key, value: original.value, headers: headers)
    }
}
