public import FangyiService
import Logging
import PostgresNIO

/// Checks the books: the invariants the schema enforces, counted over the final state, so an
/// operator (or a test after a fault) can prove nothing was double-booked.
public enum AllocatorAudit {
    /// Violations found; all zero when the books are straight.
    public struct Findings: Sendable, Equatable, Encodable {
        /// Units held by more than one active assignment.
        public var unitsHeldTwice = 0
        /// Active assignments whose unit does not name them as occupant.
        public var assignmentsNotOnTheirUnit = 0
        /// Units whose occupant is not an active assignment.
        public var unitsWithStaleOccupant = 0
        /// Persons with two active assignments for one purpose.
        public var personsHeldTwice = 0
        /// Facilities whose ventilators in use disagree with their active ventilator assignments.
        public var ventilatorCountsWrong = 0
        /// Pools whose kept counts disagree with their units.
        public var poolCountsWrong = 0

        /// Every violation counted together.
        public var violations: Int {
            unitsHeldTwice + assignmentsNotOnTheirUnit + unitsWithStaleOccupant + personsHeldTwice + ventilatorCountsWrong + poolCountsWrong
        }

        /// Whether every count is zero.
        public var isClean: Bool { violations == 0 }
    }

    /// Counts every violation in `database`'s allocator schema.
    public static func check(_ database: Database) async throws -> Findings {
        try await database.withConnection { connection in
            let rows = try await connection.query("""
                SELECT (SELECT count(*) FROM (SELECT facility_id, unit_id FROM assignments WHERE released_at IS NULL
                                              GROUP BY 1, 2 HAVING count(*) > 1) d)::int8,
                       (SELECT count(*) FROM assignments a JOIN units u USING (facility_id, unit_id)
                        WHERE a.released_at IS NULL AND u.occupant IS DISTINCT FROM a.assignment_id)::int8,
                       (SELECT count(*) FROM units u WHERE u.occupant IS NOT NULL AND NOT EXISTS
                            (SELECT 1 FROM assignments a WHERE a.assignment_id = u.occupant AND a.released_at IS NULL))::int8,
                       (SELECT count(*) FROM (SELECT subject_ref, purpose FROM assignments WHERE released_at IS NULL
                                              GROUP BY 1, 2 HAVING count(*) > 1) p)::int8,
                       (SELECT count(*) FROM facilities f WHERE f.ventilators_in_use <>
                            (SELECT count(*) FROM assignments a WHERE a.facility_id = f.facility_id AND a.released_at IS NULL
                             AND a.ventilator))::int8,
                       (SELECT count(*) FROM (
                            SELECT facility_id, unit_type, count(*) FILTER (WHERE status <> 'retired') AS t,
                                   count(*) FILTER (WHERE occupant IS NOT NULL) AS o,
                                   count(*) FILTER (WHERE status IN ('cleaning', 'closed') AND occupant IS NULL) AS s
                            FROM units GROUP BY 1, 2) u
                        FULL JOIN pool_counts c USING (facility_id, unit_type)
                        WHERE (coalesce(u.t, 0), coalesce(u.o, 0), coalesce(u.s, 0))
                              IS DISTINCT FROM (coalesce(c.total, 0), coalesce(c.occupied, 0), coalesce(c.out_of_service, 0)))::int8
                """, logger: Logger(label: "fangyi.allocator.audit"))
            var findings = Findings()
            for try await (a, b, c, d, e, f) in rows.decode((Int64, Int64, Int64, Int64, Int64, Int64).self) {
                findings = Findings(unitsHeldTwice: Int(a), assignmentsNotOnTheirUnit: Int(b), unitsWithStaleOccupant: Int(c),
                                    personsHeldTwice: Int(d), ventilatorCountsWrong: Int(e), poolCountsWrong: Int(f))
            }
            return findings
        }
    }
}
