/// One person whose specimen went into a pooled (mixed) sample.
///
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct PoolMember: Codable, Sendable, Hashable {
    /// The member's subject ref.
    public var subjectRef: String

    /// The lab's id of the member's individual specimen.
    public var specimenId: String

    /// Creates the value from its fields; optional fields default to absent.
    public init(
        subjectRef: String,
        specimenId: String
    ) {
        self.subjectRef = subjectRef
        self.specimenId = specimenId
    }
}
