/// A failure the `fangyi` CLI reports to the operator.
///
/// Carries a stable ``code`` (for scripts and issue reports), a ``message``
/// that says what went wrong and what to do, and the ``context`` it happened
/// in (topic, file, broker). Argument parser prints ``description`` and exits
/// non-zero.
///
/// Concurrency: a `Sendable` value.
struct ToolError: Error, Sendable, CustomStringConvertible {
    /// Stable machine-readable code, like `topics.create_unsupported`.
    var code: String
    /// What went wrong and what to do about it.
    var message: String
    /// Where it happened, as key/value pairs.
    var context: [String: String]

    /// Creates an error.
    init(code: String, message: String, context: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// `message [code key=value ...]`.
    var description: String {
        let details = ([code] + context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
            .joined(separator: " ")
        return "\(message) [\(details)]"
    }
}
