/// One condition `/health/ready` verifies, such as "the database answers" or
/// "partitions are assigned".
///
/// The check returns `true` when ready. Returning `false` or throwing means not
/// ready; a thrown error's description appears in the response, so it must not
/// contain secrets or personal data.
///
/// Concurrency: `Sendable`; the closure may be run concurrently with itself
/// and with other checks, and is cancelled when it exceeds the route's time limit.
public struct ReadinessCheck: Sendable {
    /// The key under which the result appears in the JSON, e.g. `database`.
    public var name: String
    /// Performs the check.
    public var check: @Sendable () async throws -> Bool

    /// Creates a named check.
    public init(name: String, check: @escaping @Sendable () async throws -> Bool) {
        self.name = name
        self.check = check
    }
}
