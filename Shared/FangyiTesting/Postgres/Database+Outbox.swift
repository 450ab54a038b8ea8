public import FangyiEvents
public import FangyiService
import Logging
import NIOCore
import PostgresNIO

extension Database {
    /// The events written to this schema's outbox (dead letters excluded), oldest first: what
    /// the relay publishes.
    public func outboxEnvelopes() async throws -> [EventEnvelope] {
        try await withConnection { connection in
            let rows = try await connection.query(
                "SELECT headers, message_value FROM fangyi_outbox WHERE event_id <> '' ORDER BY id", logger: Logger(label: "fangyi.test.outbox"))
            var envelopes: [EventEnvelope] = []
            for try await (headers, value) in rows.decode((ByteBuffer, ByteBuffer).self) {
                let list = (HeaderCodec.decode(headers) ?? []).map { (key: $0.key, value: $0.value) }
                envelopes.append(try EventEnvelope(headers: list, value: Array(buffer: value)))
            }
            return envelopes
        }
    }

    /// The outbox's events of type `E`, decoded, oldest first.
    public func outboxEvents<E: FangyiEvent>(_ type: E.Type) async throws -> [E] {
        try await outboxEnvelopes().filter { $0.type == E.eventType }.map { try $0.decode(E.self) }
    }
}
