public import FangyiService
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The daily partitions of `checkins`: created ahead of the rows that need them,
/// dropped once past retention.
///
/// Partition DDL runs on its own autocommit connection, never inside a batch's
/// transaction, so a batch never holds a catalog lock and two workers creating the
/// same day at once both succeed (the loser's "already exists" is expected).
/// ``RetentionMaintenance`` creates every day of the retention window and tomorrow
/// before the first batch and then hourly, so a batch needs DDL only if maintenance
/// fell behind. Then the DDL waits for the table's exclusive lock, which the batch's
/// own transaction may be blocking (it has read `checkins`): a lock timeout turns that
/// wait into a transient failure, retried after maintenance has caught up.
/// Concurrency: `Sendable`; the cache of known days is behind a lock.
public final class CheckInPartitions: Sendable {
    private let database: Database
    private let known = Mutex<Set<Int>>([])

    /// Creates the manager for `database` (bound to the tracing schema).
    public init(database: Database) {
        self.database = database
    }

    /// The partition holding UTC day `day` (days since 1970-01-01).
    static func name(day: Int) -> String {
        let date = Date(timeIntervalSince1970: Double(day) * 86_400)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "checkins_d%04d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// The UTC day of `date`.
    static func day(of date: Date) -> Int { Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) }

    /// Makes sure a partition exists for every day in `days`.
    func ensure(_ days: Set<Int>, logger: Logger) async throws {
        let missing = known.withLock { days.subtracting($0) }
        guard !missing.isEmpty else { return }
        try await database.withConnection { connection in
            try await connection.query("SET lock_timeout = '5s'", logger: logger)
            do {
                for day in missing.sorted() {
                    let name = Self.name(day: day)
                    let from = Double(day) * 86_400
                    let sql = """
                        CREATE TABLE IF NOT EXISTS \(name) PARTITION OF checkins
                        FOR VALUES FROM (to_timestamp(\(from))) TO (to_timestamp(\(from + 86_400)))
                        """
                    do {
                        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                    } catch let error as PSQLError where ["42P07", "23505"].contains(error.serverInfo?[.sqlState] ?? "") {
                        // Another worker created it between our check and our CREATE.
                    }
                }
            } catch {
                _ = try? await connection.query("RESET lock_timeout", logger: logger)
                throw error
            }
            try await connection.query("RESET lock_timeout", logger: logger)
        }
        known.withLock { $0.formUnion(missing) }
    }

    /// Drops the partitions of days before `firstKeptDay`; returns how many were dropped.
    @discardableResult
    func dropBefore(day firstKeptDay: Int, logger: Logger) async throws -> Int {
        try await database.withConnection { connection in
            let rows = try await connection.query("""
                SELECT c.relname FROM pg_inherits i
                JOIN pg_class c ON c.oid = i.inhrelid
                JOIN pg_class p ON p.oid = i.inhparent
                JOIN pg_namespace n ON n.oid = p.relnamespace
                WHERE p.relname = 'checkins' AND n.nspname = current_schema()
                """, logger: logger)
            var expired: [(String, Int)] = []
            for try await name in rows.decode(String.self) {
                guard let day = Self.day(ofPartition: name), day < firstKeptDay else { continue }
                expired.append((name, day))
            }
            for (name, day) in expired.sorted(by: { $0.1 < $1.1 }) {
                try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(name)"), logger: logger)
                known.withLock { _ = $0.remove(day) }
            }
            return expired.count
        }
    }

    /// The day a partition name stands for, or `nil` for a name this type did not make.
    static func day(ofPartition name: String) -> Int? {
        guard name.hasPrefix("checkins_d"), name.count == 18,
              let year = Int(name.dropFirst(10).prefix(4)), let month = Int(name.dropFirst(14).prefix(2)),
              let dayOfMonth = Int(name.dropFirst(16).prefix(2))
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth)) else { return nil }
        return day(of: date)
    }
}
