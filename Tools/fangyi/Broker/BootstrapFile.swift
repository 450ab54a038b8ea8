import Foundation

/// The file in which the local broker publishes its address (`.fangyi/bootstrap` by default),
/// so that services, tests and other `fangyi` commands started in the same directory find it
/// without `KAFKA_BOOTSTRAP_SERVERS`.
///
/// Concurrency: an immutable `Sendable` value; file operations are plain blocking calls on a
/// tiny file.
struct BootstrapFile: Sendable {
    /// The file, absolute.
    let url: URL

    /// A bootstrap file at `path`, relative to the working directory unless absolute.
    init(path: String) {
        url = URL(fileURLWithPath: path).standardizedFileURL
    }

    /// The path as the operator gave it, resolved, for messages.
    var path: String { url.path }

    /// The servers currently written in the file, if it exists and is not blank.
    func read() -> String? {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Writes `servers` (and a newline), creating the directory; replaces the file atomically.
    ///
    /// - Throws: ``ToolError`` `broker.bootstrap_file` naming the file.
    func write(_ servers: String) throws(ToolError) {
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((servers + "\n").utf8).write(to: url, options: .atomic)
        } catch {
            throw ToolError(
                code: "broker.bootstrap_file",
                message: "cannot write the bootstrap file: \(error.localizedDescription)",
                context: ["file": path])
        }
    }

    /// Removes the file if it still names `servers`, so that a broker stopping never removes
    /// the address another broker wrote since. Returns whether it removed the file.
    @discardableResult
    func remove(ifNaming servers: String) -> Bool {
        guard read() == servers else { return false }
        return (try? FileManager.default.removeItem(at: url)) != nil
    }
}
