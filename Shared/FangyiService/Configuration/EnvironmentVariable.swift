/// One environment variable a service reads: its name, what happens when it is
/// unset, and the help text shown by `--help` and in the README.
///
/// Services declare their variables as static constants and list them, so the
/// list that is documented is the list that is read.
///
/// Concurrency: a value type; `Sendable`.
public struct EnvironmentVariable: Sendable, Hashable {
    /// The variable's name, e.g. `KAFKA_BOOTSTRAP_SERVERS`.
    public var name: String

    /// What the service uses when the variable is unset or empty, in words
    /// (e.g. `"127.0.0.1"` or `"unset: no policy file, built-in defaults"`).
    public var defaultDescription: String

    /// One or two sentences for operators: what the value means and its format.
    public var help: String

    /// Whether the value must never be echoed (passwords, keys, URLs with
    /// credentials). Errors about a secret variable name it but omit its value.
    public var isSecret: Bool

    /// Creates a variable description.
    ///
    /// - Parameters:
    ///   - name: The variable's name.
    ///   - defaultDescription: What applies when it is unset, in words.
    ///   - help: Help text for operators.
    ///   - isSecret: Whether its value must never appear in errors or logs. Defaults to `false`.
    public init(_ name: String, defaultDescription: String, help: String, isSecret: Bool = false) {
        self.name = name
        self.defaultDescription = defaultDescription
        self.help = help
        self.isSecret = isSecret
    }
}
