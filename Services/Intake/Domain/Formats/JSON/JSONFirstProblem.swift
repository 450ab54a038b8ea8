/// The problem that decides an item's fate: of all found, the one with the lowest rank,
/// the earliest found among equals.
///
/// Ranks follow the order in which the Foundation-based reader checked the fields, so the
/// streaming reader reports the same problem whatever order the lab wrote the fields in.
struct JSONFirstProblem {
    private(set) var problem: IntakeProblem?
    private var rank = Int.max

    /// Keeps the problem when nothing of a lower or equal rank was noted before.
    /// The pointer is built only then.
    mutating func note(rank: Int, _ code: String, _ message: @autoclosure () -> String, at pointer: @autoclosure () -> String) {
        guard rank < self.rank else { return }
        self.rank = rank
        problem = IntakeProblem(code: code, message: message(), pointer: pointer())
    }
}
