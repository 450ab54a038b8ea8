import Foundation

/// A plain-text table with aligned columns for terminal output.
///
/// A cell may hold several lines (`\n`); the row then continues on the next lines with the
/// other columns blank.
///
/// Concurrency: a `Sendable` value; rendering is pure.
struct TextTable: Sendable {
    /// The column titles.
    var header: [String]
    /// The rows; each has at most `header.count` cells.
    var rows: [[String]]

    /// The rendered lines: header, then rows; columns separated by two spaces, no trailing blanks.
    func lines() -> [String] {
        let split = ([header] + rows).map { row in row.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) } }
        var widths = Array(repeating: 0, count: header.count)
        for row in split {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.map(\.count).max() ?? 0)
            }
        }
        var output: [String] = []
        for row in split {
            let height = row.map(\.count).max() ?? 1
            for lineIndex in 0..<height {
                var line = ""
                for (column, cell) in row.enumerated() where column < widths.count {
                    let text = lineIndex < cell.count ? cell[lineIndex] : ""
                    line += column == row.count - 1 ? text : text.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
                }
                output.append(String(line.reversed().drop { $0 == " " }.reversed()))
            }
        }
        return output
    }
}
