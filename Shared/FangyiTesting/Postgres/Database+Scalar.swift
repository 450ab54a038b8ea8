public import FangyiService
import Logging
public import PostgresNIO

extension Database {
    /// The integer a one-value query returns (its last row's, 0 when there is none):
    /// counts and sums for assertions and benchmarks.
    public func scalar(_ sql: PostgresQuery) async throws -> Int {
        try await withConnection { connection in
            var value = 0
            for try await v in try await connection.query(sql, logger: Logger(label: "fangyi.test.scalar")).decode(Int.self) { value = v }
            return value
        }
    }
}
