import Foundation

extension Array where Element == EnvironmentVariable {
    /// The variables as plain text for `--help`: one block per variable with its
    /// name, default and indented help text.
    ///
    /// Concurrency: pure function.
    public func helpText() -> String {
        self.map { variable in
            var lines = ["  \(variable.name)  (default: \(variable.defaultDescription))"]
            lines.append("      \(variable.help)")
            if variable.isSecret {
                lines.append("      Secret: never printed in errors or logs.")
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// The variables as a Markdown table (variable, default, meaning) for the README.
    ///
    /// Concurrency: pure function.
    public func markdownTable() -> String {
        func cell(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        var lines = ["| variable | default | meaning |", "|---|---|---|"]
        for variable in self {
            lines.append("| `\(variable.name)` | \(cell(variable.defaultDescription)) | \(cell(variable.help)) |")
        }
        return lines.joined(separator: "\n")
    }
}
