/// Gathers the rows of one `pool_id` into one pool item.
///
/// The first row gives the pool's values (lab, status, version, test, result, Ct values,
/// specimen type, times, `pool_specimen_id` as the item's specimen id); every row gives a
/// member (its `specimen_id` and person). Later rows must agree with the first on result,
/// Ct values, status and `pool_specimen_id`, or the pool is unreadable
/// (`csv.pool.inconsistent`, pointing at the first disagreeing cell).
///
/// Concurrency: a value type used by one reader call.
struct CSVPool {
    private var pool: SubmittedResult
    private let first: Agreement
    private var problem: IntakeProblem?

    /// Starts a pool at its first row.
    init(first row: CSVRowReader.Row) {
        var pool = row.result
        pool.specimenId = row.poolSpecimenId
        pool.person = SubmittedPerson()
        pool.poolMembers = [SubmittedPoolMember(specimenId: row.result.specimenId, person: row.result.person)]
        self.pool = pool
        self.first = Agreement(row)
    }

    /// Adds a later row of the same pool.
    mutating func add(_ row: CSVRowReader.Row) {
        pool.poolMembers.append(SubmittedPoolMember(specimenId: row.result.specimenId, person: row.result.person))
        guard problem == nil, let pointer = first.disagreement(with: row) else { return }
        problem = IntakeProblem(
            code: "csv.pool.inconsistent",
            message: "Rows with the same pool_id disagree; every row of a pool must repeat the pool's result, Ct values, status and pool_specimen_id.",
            pointer: pointer
        )
    }

    /// The pool item: read, or unreadable when its rows disagree.
    var item: SubmissionItem {
        if let problem { return .unreadable(problem, specimenId: pool.specimenId?.value) }
        return .read(pool)
    }

    /// The values all rows of a pool must share.
    private struct Agreement {
        let result: String?
        let status: SubmittedStatus?
        let poolSpecimenId: String?
        let cts: [Double?]

        init(_ row: CSVRowReader.Row) {
            result = row.result.qualitativeResult?.value
            status = row.result.status?.value
            poolSpecimenId = row.poolSpecimenId?.value
            cts = row.result.targets.map { $0.ct?.value }
        }

        /// Where `row` first differs from the first row, or `nil`. Results compare without case.
        func disagreement(with row: CSVRowReader.Row) -> String? {
            let other = row.result
            func cell(_ column: CSVColumn) -> String { other.pointer + ", column " + column.rawValue }
            let otherResult = other.qualitativeResult?.value
            if result != otherResult, result?.lowercased() != otherResult?.lowercased() {
                return other.qualitativeResult?.pointer ?? cell(.result)
            }
            if status != other.status?.value { return other.status?.pointer ?? cell(.status) }
            if poolSpecimenId != row.poolSpecimenId?.value { return row.poolSpecimenId?.pointer ?? cell(.poolSpecimenId) }
            for (ct, target) in zip(cts, other.targets) where ct != target.ct?.value {
                return target.name.pointer
            }
            return nil
        }
    }
}
