import CRdKafka
import Foundation
import Logging

/// Owns an `rd_kafka_t` and the context object its callbacks reach through
/// the opaque pointer.
///
/// `@unchecked Sendable`: librdkafka handles are thread-safe; this wrapper only
/// stores the pointer and never mutates it after `init`.
final class RdKafkaHandle: @unchecked Sendable {
    /// The raw handle, valid until ``destroy()``.
    let pointer: OpaquePointer
    /// Callback context; kept alive as long as the handle exists.
    let context: ClientContext

    /// The kind of client to create.
    enum Kind { case producer, consumer }

    /// Creates the client from string properties; every property is validated by
    /// librdkafka and a bad one is reported with its name and librdkafka's reason.
    init(kind: Kind, properties: [String: String], context: ClientContext, configure: (OpaquePointer) -> Void = { _ in }) throws(KafkaError) {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError.client("config", "rd_kafka_conf_new failed")
        }
        var errbuf = [CChar](repeating: 0, count: 512)
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, name, value, &errbuf, errbuf.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                // Values are never shown: any property may hold a credential
                // (including ones librdkafka does not know), and librdkafka's
                // reason may quote the value.
                var reason = string(fromErrorBuffer: errbuf)
                if !value.isEmpty { reason = reason.replacingOccurrences(of: value, with: "<value>") }
                throw KafkaError.client("config.invalid_property", "librdkafka property '\(name)' rejected (value not shown): \(reason)", context: ["kafka.property": name])
            }
        }
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        context.install(on: conf)
        configure(conf)
        let type = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        // rd_kafka_new takes ownership of conf on success only.
        guard let rk = rd_kafka_new(type, conf, &errbuf, errbuf.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.client("client.create_failed", "could not create Kafka client: \(string(fromErrorBuffer: errbuf))")
        }
        self.pointer = rk
        self.context = context
    }

    /// Destroys the handle; blocks until librdkafka's threads have stopped, so call it on a dedicated thread.
    func destroy() {
        rd_kafka_destroy(pointer)
    }
}
