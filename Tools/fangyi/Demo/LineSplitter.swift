import Foundation
import Synchronization

/// Cuts a byte stream that arrives in arbitrary chunks into lines.
///
/// Concurrency: `Sendable`; the partial line is kept behind a mutex, so chunks may come from
/// any thread (Foundation calls a pipe's readability handler on its own queue).
final class LineSplitter: Sendable {
    private let partial = Mutex<[UInt8]>([])

    /// Creates an empty splitter.
    init() {}

    /// The complete lines `chunk` finishes, without their newlines (a trailing `\r` is dropped too).
    func append(_ chunk: Data) -> [String] {
        partial.withLock { partial in
            var lines: [String] = []
            for byte in chunk {
                if byte == UInt8(ascii: "\n") {
                    if partial.last == UInt8(ascii: "\r") { partial.removeLast() }
                    lines.append(String(decoding: partial, as: UTF8.self))
                    partial.removeAll(keepingCapacity: true)
                } else {
                    partial.append(byte)
                }
            }
            return lines
        }
    }

    /// The unterminated last line at the end of the stream, if any.
    func finish() -> String? {
        partial.withLock { partial in
            defer { partial = [] }
            return partial.isEmpty ? nil : String(decoding: partial, as: UTF8.self)
        }
    }
}
