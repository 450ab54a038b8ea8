import Foundation
import Synchronization

/// Writes whole lines to standard output and standard error.
///
/// Every line goes out in one `write`, under one process-wide lock, so lines
/// of concurrent writers (the demo's children, tail's records) never
/// interleave, and nothing sits in a stdio buffer when the output is a pipe.
///
/// Concurrency: safe from any thread.
enum Console {
    private static let lock = Mutex(())

    /// Writes `text` and a newline to standard output.
    static func out(_ text: String) {
        write(text, to: FileHandle.standardOutput)
    }

    /// Writes `text` and a newline to standard error (progress, notes, warnings).
    static func err(_ text: String) {
        write(text, to: FileHandle.standardError)
    }

    private static func write(_ text: String, to handle: FileHandle) {
        let data = Data((text + "\n").utf8)
        lock.withLock { _ in handle.write(data) }
    }
}
