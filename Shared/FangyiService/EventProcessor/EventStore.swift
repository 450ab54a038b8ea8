import FangyiKafka
import Logging
import NIOCore
import PostgresNIO

/// SQL for the inbox (processed event ids per group) and the outbox (events
/// waiting to be published), in the service's own schema.
enum EventStore {
    /// The runtime's own migrations; versions from 1,000,001 up are reserved
    /// for it, so a service numbers its own from 1.
    static let migrations: [Migration] = [
        Migration(version: 1_000_001, name: "fangyi_event_processor", sql: """
            CREATE TABLE fangyi_inbox (
                consumer_group  text        NOT NULL,
                event_id        text        NOT NULL,
                topic           text        NOT NULL,
                kafka_partition integer     NOT NULL,
                kafka_offset    bigint      NOT NULL,
                processed_at    timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (consumer_group, event_id)
            );
            CREATE INDEX fangyi_inbox_processed_at ON fangyi_inbox (processed_at);
            CREATE TABLE fangyi_outbox (
                id            bigserial   PRIMARY KEY,
                event_id      text        NOT NULL,
                topic         text        NOT NULL,
                message_key   text        NOT NULL,
                message_value bytea       NOT NULL,
                headers       bytea       NOT NULL,
                created_at    timestamptz NOT NULL DEFAULT now(),
                published_at  timestamptz
            );
            CREATE INDEX fangyi_outbox_pending ON fangyi_outbox (id) WHERE published_at IS NULL;
            """),
    ]

    /// Records the events' ids for `group`; returns the ids that were new.
    static func recordInbox(_ events: [InboundEvent], group: String, on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        let ids = events.map(\.id)
        let topics = events.map(\.message.topic)
        let partitions = events.map(\.message.partition)
        let offsets = events.map(\.message.offset)
        let rows = try await connection.query("""
            INSERT INTO fangyi_inbox (consumer_group, event_id, topic, kafka_partition, kafka_offset)
            SELECT \(group), * FROM unnest(\(ids)::text[], \(topics)::text[], \(partitions)::int4[], \(offsets)::int8[])
            ON CONFLICT DO NOTHING
            RETURNING event_id
            """, logger: logger)
        var fresh = Set<String>()
        for try await id in rows.decode(String.self) { fresh.insert(id) }
        return fresh
    }

    /// Appends events, and dead-letter records of rejected events, to the outbox.
    static func appendOutbox(_ events: [OutboundEvent], deadLetters: [KafkaProducerMessage] = [], on connection: PostgresConnection, logger: Logger) async throws {
        guard !events.isEmpty || !deadLetters.isEmpty else { return }
        var ids = events.map(\.envelope.id)
        var topics = events.map(\.topic)
        var keys = events.map(\.key)
        var values = events.map { ByteBuffer(bytes: $0.envelope.data) }
        var headers = events.map { HeaderCodec.encode($0.envelope.headers()) }
        for record in deadLetters {
            ids.append("")
            topics.append(record.topic)
            keys.append(String(decoding: record.key ?? [], as: UTF8.self))
            values.append(ByteBuffer(bytes: record.value ?? []))
            headers.append(HeaderCodec.encode(record.headers.map { ($0.key, $0.value ?? []) }))
        }
        try await connection.query("""
            INSERT INTO fangyi_outbox (event_id, topic, message_key, message_value, headers)
            SELECT * FROM unnest(\(ids)::text[], \(topics)::text[], \(keys)::text[], \(values)::bytea[], \(headers)::bytea[])
            """, logger: logger)
    }

    /// One outbox row waiting to be published.
    struct PendingRow: Sendable {
        let id: Int64
        let message: KafkaProducerMessage
    }

    /// The oldest unpublished rows, in the order they were written.
    static func pending(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [PendingRow] {
        let rows = try await connection.query("""
            SELECT id, topic, message_key, message_value, headers FROM fangyi_outbox
            WHERE published_at IS NULL ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var pending: [PendingRow] = []
        for try await (id, topic, key, value, headers) in rows.decode((Int64, String, String, ByteBuffer, ByteBuffer).self) {
            pending.append(PendingRow(id: id, message: KafkaProducerMessage(
                topic: topic, key: Array(key.utf8), value: Array(buffer: value), headers: HeaderCodec.decode(headers) ?? [])))
        }
        return pending
    }

    /// Marks rows as published.
    static func markPublished(_ ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query("UPDATE fangyi_outbox SET published_at = now() WHERE id = ANY(\(ids)::int8[])", logger: logger)
    }

    /// Deletes published outbox rows and inbox rows older than the given ages.
    static func prune(outboxAge: Duration, inboxAge: Duration, on connection: PostgresConnection, logger: Logger) async throws {
        let outboxSeconds = Double(outboxAge.components.seconds)
        let inboxSeconds = Double(inboxAge.components.seconds)
        try await connection.query(
            "DELETE FROM fangyi_outbox WHERE published_at < now() - make_interval(secs => \(outboxSeconds))", logger: logger)
        try await connection.query(
            "DELETE FROM fangyi_inbox WHERE processed_at < now() - make_interval(secs => \(inboxSeconds))", logger: logger)
    }
}
