import FangyiKafka
import Foundation

/// The dead-letter record for a message that could not be processed: the
/// original key, value and headers, plus headers naming the error and origin.
enum DeadLetter {
    /// Header names, stable for operators' tooling.
    enum Header {
        static let errorCode = "fangyi_dlq_error_code"
        static let errorMessage = "fangyi_dlq_error_message"
        static let originTopic = "fangyi_dlq_origin_topic"
        static let originPartition = "fangyi_dlq_origin_partition"
        static let originOffset = "fangyi_dlq_origin_offset"
        static let group = "fangyi_dlq_group"
        static let attempts = "fangyi_dlq_attempts"
        static let failedAt = "fangyi_dlq_failed_at"
    }

    static func message(for original: KafkaMessage, failure: ProcessingFailure, group: String, topic: String, attempts: Int, at time: Date) -> KafkaProducerMessage {
        var headers = original.headers
        headers.append(contentsOf: [
            KafkaHeader(key: Header.errorCode, string: failure.code),
            KafkaHeader(key: Header.errorMessage, string: String(failure.message.prefix(1000))),
            KafkaHeader(key: Header.originTopic, string: original.topic),
            KafkaHeader(key: Header.originPartition, string: String(original.partition)),
            KafkaHeader(key: Header.originOffset, string: String(original.offset)),
            KafkaHeader(key: Header.group, string: group),
            KafkaHeader(key: Header.attempts, string: String(attempts)),
            KafkaHeader(key: Header.failedAt, string: ISO8601DateFormatter().string(from: time)),
        ])
        return KafkaProducerMessage(topic: topic, key: original.key, value: original.value, headers: headers)
    }
}
