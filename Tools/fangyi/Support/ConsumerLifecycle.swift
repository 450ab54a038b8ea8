import FangyiKafka
import ServiceLifecycle

/// Runs `body` (which reads `consumer` until it returns or `nextBatch` gives nil) and stops the
/// consumer on graceful shutdown; closes it (leaving the group at once) either way.
func consuming(_ consumer: KafkaConsumer, _ body: @escaping @Sendable () async throws -> Void) async throws {
    do {
        try await withGracefulShutdownHandler {
            try await body()
        } onGracefulShutdown: {
            consumer.stop()
        }
    } catch {
        await consumer.close()
        throw error
    }
    await consumer.close()
}
