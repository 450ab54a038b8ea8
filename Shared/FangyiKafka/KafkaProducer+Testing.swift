import CRdKafka

extension KafkaProducer {
    /// Makes librdkafka raise a fatal error on this producer, as an idempotence
    /// failure would (`rd_kafka_test_fatal_error`). For tests of fatal-error
    /// handling only; the producer is unusable afterwards.
    @_spi(Testing)
    public func triggerFatalErrorForTesting(reason: String = "fatal error raised by a test") {
        _ = rd_kafka_test_fatal_error(handle.pointer, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, reason)
    }
}
