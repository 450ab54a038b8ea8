/// A configuration value that could not be used, raised while a service reads
/// its environment at startup.
///
/// The message names the variable, shows the offending value (unless the
/// variable is secret) and says what was expected, so an operator can fix the
/// deployment without reading code.
///
/// Concurrency: a value type; `Sendable`.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable machine-readable code, e.g. `config.invalid_integer`.
    public var code: String

    /// The environment variable (or other setting) at fault.
    public var variable: String

    /// The offending value, or `nil` when the variable is secret or unset.
    public var value: String?

    /// Why the value was rejected and what is expected instead.
    public var reason: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: Stable code (see the static codes on this type).
    ///   - variable: The variable at fault.
    ///   - value: The offending value; pass `nil` for secret variables.
    ///   - reason: What is wrong and what is expected.
    public init(code: String, variable: String, value: String?, reason: String) {
        self.code = code
        self.variable = variable
        self.value = value
        self.reason = reason
    }

    /// A human-readable message: `HTTP_PORT="abc" is not a valid integer: ...`.
    public var message: String {
        if let value {
            return "\(self.variable)=\"\(value)\": \(self.reason)"
        }
        return "\(self.variable): \(self.reason)"
    }

    /// `<code>: <message>`, suitable for logs and for a process's last words.
    public var description: String {
        "\(self.code): \(self.message)"
    }
}

extension ConfigurationError {
    /// The value is not an integer.
    public static let invalidInteger = "config.invalid_integer"
    /// The value is not one of the accepted boolean spellings.
    public static let invalidBoolean = "config.invalid_boolean"
    /// The value is not a duration such as `500ms`, `5s`, `2m`, `1h` or `30`.
    public static let invalidDuration = "config.invalid_duration"
    /// The value is not an absolute URL.
    public static let invalidURL = "config.invalid_url"
    /// The value parses but is outside the accepted range.
    public static let outOfRange = "config.out_of_range"
    /// The value is not one of a fixed set of choices.
    public static let invalidChoice = "config.invalid_choice"
    /// A required variable is unset or empty.
    public static let missing = "config.missing"
    /// A file named by configuration could not be read.
    public static let unreadableFile = "config.unreadable_file"
}
