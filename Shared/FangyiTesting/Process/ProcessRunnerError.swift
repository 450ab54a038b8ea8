/// Why a ``ProcessRunner`` expectation failed.
///
/// Concurrency: a value type; `Sendable`.
public struct ProcessRunnerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable code (see the static codes on this type).
    public var code: String
    /// What went wrong.
    public var message: String
    /// The last lines of the relevant output, to see what the process did instead.
    public var output: String

    /// Creates an error.
    public init(code: String, message: String, output: String = "") {
        self.code = code
        self.message = message
        self.output = output
    }

    /// `<code>: <message>` followed by the captured output, if any.
    public var description: String {
        guard !self.output.isEmpty else { return "\(self.code): \(self.message)" }
        return "\(self.code): \(self.message)\n--- last output ---\n\(self.output)"
    }
}

extension ProcessRunnerError {
    /// The awaited line did not appear in time.
    public static let timeout = "process.timeout"
    /// The stream closed (the process exited) before the awaited line appeared.
    public static let outputEnded = "process.output_ended"
    /// No built executable with the requested name was found.
    public static let executableNotFound = "process.executable_not_found"
}
