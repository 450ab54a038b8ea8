public import Foundation

/// Typed access to environment variables, with errors that name the variable
/// and say what was expected.
///
/// Values are trimmed of surrounding whitespace; an unset variable and one set
/// to the empty string (`FOO=`) both count as unset, so that `env FOO= service`
/// and compose files with blank entries fall back to the default.
///
/// The reader is named `EnvironmentReader` rather than `Environment` because
/// Hummingbird exports an `Environment` type and services import both modules.
///
/// Concurrency: a value type over an immutable dictionary; `Sendable`.
public struct EnvironmentReader: Sendable {
    /// The variables this reader sees.
    public var values: [String: String]

    /// Creates a reader over `values`; by default the process environment.
    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    // MARK: Strings

    /// The trimmed value, or `nil` when the variable is unset or empty.
    public func string(_ variable: EnvironmentVariable) -> String? {
        guard let raw = self.values[variable.name] else { return nil }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The trimmed value, or `defaultValue` when the variable is unset or empty.
    public func string(_ variable: EnvironmentVariable, default defaultValue: String) -> String {
        self.string(variable) ?? defaultValue
    }

    /// The trimmed value; throws `config.missing` when unset or empty.
    public func requiredString(_ variable: EnvironmentVariable) throws(ConfigurationError) -> String {
        guard let value = self.string(variable) else {
            throw ConfigurationError(
                code: ConfigurationError.missing,
                variable: variable.name,
                value: nil,
                reason: "is required but unset or empty; \(variable.help)"
            )
        }
        return value
    }

    /// The value parsed by `parse`, or `nil` when unset. Use this for types the
    /// reader has no getter for (log levels, enums).
    ///
    /// - Parameters:
    ///   - variable: The variable to read.
    ///   - code: The error code to use when `parse` returns `nil`.
    ///   - expected: What a valid value looks like, for the error message.
    ///   - parse: Returns the parsed value, or `nil` when the text is invalid.
    public func value<Value>(
        _ variable: EnvironmentVariable,
        code: String,
        expected: String,
        parse: (String) -> Value?
    ) throws(ConfigurationError) -> Value? {
        guard let text = self.string(variable) else { return nil }
        guard let value = parse(text) else {
            throw self.error(code: code, variable: variable, text: text, reason: "expected \(expected)")
        }
        return value
    }

    // MARK: Integers

    /// The value as an integer, or `nil` when unset.
    ///
    /// - Parameter range: When given, values outside it throw `config.out_of_range`.
    public func int(_ variable: EnvironmentVariable, range: ClosedRange<Int>? = nil) throws(ConfigurationError) -> Int? {
        guard
            let value = try self.value(
                variable,
                code: ConfigurationError.invalidInteger,
                expected: "a whole number such as 8080",
                parse: { Int($0) }
            )
        else { return nil }
        if let range, !range.contains(value) {
            throw self.error(
                code: ConfigurationError.outOfRange,
                variable: variable,
                text: String(value),
                reason: "must be between \(range.lowerBound) and \(range.upperBound)"
            )
        }
        return value
    }

    /// The value as an integer, or `defaultValue` when unset.
    public func int(
        _ variable: EnvironmentVariable,
        default defaultValue: Int,
        range: ClosedRange<Int>? = nil
    ) throws(ConfigurationError) -> Int {
        try self.int(variable, range: range) ?? defaultValue
    }

    // MARK: Booleans

    /// The value as a boolean (`true/false`, `1/0`, `yes/no`, `on/off`, any
    /// case), or `nil` when unset.
    public func bool(_ variable: EnvironmentVariable) throws(ConfigurationError) -> Bool? {
        try self.value(
            variable,
            code: ConfigurationError.invalidBoolean,
            expected: "one of true/false, 1/0, yes/no, on/off",
            parse: Self.parseBool
        )
    }

    /// The value as a boolean, or `defaultValue` when unset.
    public func bool(_ variable: EnvironmentVariable, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        try self.bool(variable) ?? defaultValue
    }

    // MARK: Durations

    /// The value as a duration (`500ms`, `5s`, `2m`, `1h`, `1.5s`; a plain
    /// number means seconds), or `nil` when unset. Negative values are rejected.
    public func duration(_ variable: EnvironmentVariable) throws(ConfigurationError) -> Duration? {
        try self.value(
            variable,
            code: ConfigurationError.invalidDuration,
            expected: "a non-negative duration such as 500ms, 5s, 2m, 1h or 30 (seconds)",
            parse: Self.parseDuration
        )
    }

    /// The value as a duration, or `defaultValue` when unset.
    public func duration(_ variable: EnvironmentVariable, default defaultValue: Duration) throws(ConfigurationError) -> Duration {
        try self.duration(variable) ?? defaultValue
    }

    // MARK: URLs

    /// The value as an absolute URL (it must have a scheme), or `nil` when unset.
    public func url(_ variable: EnvironmentVariable) throws(ConfigurationError) -> URL? {
        try self.value(
            variable,
            code: ConfigurationError.invalidURL,
            expected: "an absolute URL such as https://host:port/path",
            parse: { text in
                guard let url = URL(string: text), let scheme = url.scheme, !scheme.isEmpty else { return nil }
                return url
            }
        )
    }

    /// The value as an absolute URL, or `defaultValue` when unset.
    public func url(_ variable: EnvironmentVariable, default defaultValue: URL) throws(ConfigurationError) -> URL {
        try self.url(variable) ?? defaultValue
    }

    // MARK: Errors

    /// An error about `variable` that shows `text` only when the variable is not secret.
    func error(code: String, variable: EnvironmentVariable, text: String, reason: String) -> ConfigurationError {
        ConfigurationError(
            code: code,
            variable: variable.name,
            value: variable.isSecret ? nil : text,
            reason: reason
        )
    }
}
