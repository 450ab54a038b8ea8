import FangyiService
import Foundation

// What every Fangyi benchmark prints and reads the same way: a line on standard output,
// seconds from a Duration, millisecond and rate formats, the error that stops a run, and its
// sizes read from the environment. (The percentile is FangyiService's `percentile`.)

/// Writes one line to standard output, unbuffered (a benchmark's progress shows as it runs).
public func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

/// A duration in seconds.
public func seconds(_ d: Duration) -> Double { d.seconds }

/// Seconds shown as milliseconds with one decimal.
public func ms(_ value: Double) -> String { String(format: "%.1f ms", value * 1000) }

/// A rate shown as a whole number per second.
public func perSecond(_ value: Double) -> String { String(format: "%.0f/s", value) }

/// A benchmark that cannot be trusted (a correctness check failed) or cannot start.
public struct BenchFailure: Error, CustomStringConvertible {
    public let code: String
    public let message: String
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code): \(message)" }
}

/// A benchmark's sizes from environment variables, each refused with its name and the
/// accepted form when it does not parse.
public struct BenchEnvironment: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String]) { self.values = values }

    /// The whole number in `name` (underscores allowed as separators), `fallback` when unset.
    public func int(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
        guard let text = values[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return fallback }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), range.contains(value) else {
            throw BenchFailure(code: "bench.invalid_setting", message: "\(name)=\(text): must be a whole number in \(range)")
        }
        return value
    }

    /// Latency rounds in `name` as `SIZExBATCHES[,SIZExBATCHES...]`, `fallback` when unset.
    public func batchPlan(_ name: String, _ fallback: [(size: Int, batches: Int)]) throws -> [(size: Int, batches: Int)] {
        guard let text = values[name], !text.isEmpty else { return fallback }
        return try text.split(separator: ",").map { part in
            let pieces = part.split(separator: "x").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard pieces.count == 2, (1...10_000).contains(pieces[0]), (1...100_000).contains(pieces[1]) else {
                throw BenchFailure(code: "bench.invalid_setting",
                                   message: "\(name)=\(text): want SIZExBATCHES[,SIZExBATCHES...], e.g. 50x100,500x20")
            }
            return (pieces[0], pieces[1])
        }
    }
}

/// One line of a benchmark's closing table: the service's figure beside its same-run baseline.
public struct BenchRow: Sendable {
    public let measure: String
    public let result: String
    public let baseline: String
    /// The service's cost over the baseline's for the same work (time or latency); NaN for none.
    public let ratio: Double
    public let target: String
    /// Whether the target was met; nil where there is no target.
    public let met: Bool?

    public init(measure: String, result: String, baseline: String, ratio: Double, target: String, met: Bool?) {
        self.measure = measure
        self.result = result
        self.baseline = baseline
        self.ratio = ratio
        self.target = target
        self.met = met
    }
}

/// Prints the closing table, one column per field, the service's column headed `service`.
public func printBenchTable(_ table: [BenchRow], service: String) {
    let header = ["measure", service, "baseline", "cost ÷ baseline", "target", ""]
    let rows = table.map { [$0.measure, $0.result, $0.baseline, $0.ratio.isNaN ? "" : String(format: "%.1f×", $0.ratio), $0.target,
                            $0.met.map { $0 ? "met" : "NOT MET" } ?? ""] }
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
    }
    say("")
    say(line(header))
    say(line(widths.map { String(repeating: "-", count: $0) }))
    for row in rows { say(line(row)) }
}
