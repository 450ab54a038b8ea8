/// The body of `/health/ready`:
/// `{"status":"ready","checks":{"database":{"status":"ok"}}}`, or
/// `{"status":"not_ready","checks":{"kafka":{"status":"failing","error":"..."}}}`.
///
/// Concurrency: a value type; `Sendable`.
public struct ReadinessReport: Sendable, Hashable, Codable {
    /// The outcome of one check.
    public struct CheckResult: Sendable, Hashable, Codable {
        /// `ok` or `failing`.
        public var status: String
        /// Why the check failed: its error, `returned false`, or a timeout.
        public var error: String?

        /// Creates a result.
        public init(status: String, error: String? = nil) {
            self.status = status
            self.error = error
        }

        /// A passing result.
        public static let ok = CheckResult(status: "ok")

        /// Whether the check passed.
        public var isOK: Bool { self.status == "ok" }
    }

    /// `ready` when every check passed, else `not_ready`.
    public var status: String
    /// Each check's result by name.
    public var checks: [String: CheckResult]

    /// Creates a report from per-check results; ``status`` follows from them.
    public init(checks: [String: CheckResult]) {
        self.checks = checks
        self.status = checks.values.allSatisfy(\.isOK) ? "ready" : "not_ready"
    }

    /// Whether every check passed.
    public var isReady: Bool { self.status == "ready" }
}
