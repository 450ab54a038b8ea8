import FangyiService
public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a built executable as a child process for an end-to-end test, captures
/// its standard output and error line by line, and lets the test wait for a
/// line to appear (reading the pipes as data arrives, never polling) or for
/// the process to exit.
///
/// A runner whose process is still alive when the runner is released kills it
/// with SIGKILL, so a failing test leaves no stray process behind.
///
/// Concurrency: `Sendable`; every method may be called from any task. State
/// is kept behind a mutex; continuations are resumed after it is released.
public final class ProcessRunner: Sendable {
    /// Which output stream to read.
    public enum Output: Sendable, Hashable {
        /// Standard output.
        case standardOutput
        /// Standard error (where swift-log's default handler writes).
        case standardError
    }

    /// A captured line, numbered from 0 per stream.
    public struct Line: Sendable, Hashable {
        /// The line without its newline.
        public var text: String
        /// Its position among the stream's lines, starting at 0.
        public var number: Int
    }

    /// The executable that was started.
    public let executableURL: URL
    /// The child's process id (0 before launch).
    public var processIdentifier: Int32 { self.process.processIdentifier }

    private let process: Process
    private let state = Mutex(State())

    // MARK: - Starting

    /// Starts `executableURL` with `arguments`.
    ///
    /// The child starts with no signals blocked, so that SIGTERM and SIGINT
    /// reach it even though Swift tasks run on threads that block them.
    ///
    /// - Parameters:
    ///   - executableURL: The program; see ``executableURL(named:)``.
    ///   - arguments: Command-line arguments.
    ///   - environment: Variables to set (added to, and overriding, the
    ///     inherited ones when `inheritEnvironment` is true).
    ///   - inheritEnvironment: Whether the child starts from this process's environment. Default `true`.
    ///   - workingDirectory: The child's working directory; default this process's.
    /// - Throws: Foundation's error when the program cannot be started.
    public static func start(
        executableURL: URL,
        arguments: [String] = [],
        environment: [String: String] = [:],
        inheritEnvironment: Bool = true,
        workingDirectory: URL? = nil
    ) async throws -> ProcessRunner {
        let process = Process()
        process.executableURL = executableURL
        process.arguments = arguments
        var childEnvironment = inheritEnvironment ? ProcessInfo.processInfo.environment : [:]
        childEnvironment.merge(environment) { _, new in new }
        process.environment = childEnvironment
        if let workingDirectory {
            process.currentDirectoryURL = workingDirectory
        }
        let standardOutput = Pipe()
        let standardError = Pipe()
        process.standardOutput = standardOutput
        process.standardError = standardError
        process.standardInput = FileHandle.nullDevice

        // The runner exists before launch so that no output can arrive unobserved;
        // the handlers hold it weakly so that releasing it kills the child.
        let runner = ProcessRunner(executableURL: executableURL, process: process)
        standardOutput.fileHandleForReading.readabilityHandler = { [weak runner] handle in
            runner?.receive(handle.availableData, from: .standardOutput, handle: handle)
        }
        standardError.fileHandleForReading.readabilityHandler = { [weak runner] handle in
            runner?.receive(handle.availableData, from: .standardError, handle: handle)
        }
        process.terminationHandler = { [weak runner] process in
            let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
            runner?.exited(status: status)
        }
        // Spawned from a thread with no signals blocked, so terminate() and interrupt() reach the child.
        try await ChildProcessLauncher.run(process)
        return runner
    }

    private init(executableURL: URL, process: Process) {
        self.executableURL = executableURL
        self.process = process
    }

    deinit {
        let running = self.state.withLock { $0.exitStatus == nil }
        if running {
            Self.signal(self.processIdentifier, SIGKILL)
        }
        for output in [self.process.standardOutput, self.process.standardError] {
            (output as? Pipe)?.fileHandleForReading.readabilityHandler = nil
        }
    }

    // MARK: - Controlling

    /// Sends SIGTERM: a graceful shutdown request.
    public func terminate() {
        self.send(SIGTERM)
    }

    /// Sends SIGINT, as Ctrl-C would.
    public func interrupt() {
        self.send(SIGINT)
    }

    /// Sends SIGKILL: the process dies at once, as in a crash.
    public func kill() {
        self.send(SIGKILL)
    }

    private func send(_ signal: Int32) {
        // A process already reaped may have had its pid reused: do not signal it.
        guard self.state.withLock({ $0.exitStatus == nil }) else { return }
        Self.signal(self.processIdentifier, signal)
    }

    private static func signal(_ pid: Int32, _ signal: Int32) {
        // pid 0 would signal our own process group: never do that.
        guard pid > 0 else { return }
        #if canImport(Glibc)
        _ = Glibc.kill(pid, signal)
        #elseif canImport(Darwin)
        _ = Darwin.kill(pid, signal)
        #endif
    }

    // MARK: - Observing

    /// The exit status once the process has exited: its exit code, or 128 + the
    /// signal number if a signal ended it (as a shell reports it); else `nil`.
    public var exitStatus: Int32? {
        self.state.withLock { $0.exitStatus }
    }

    /// Everything read from standard output so far.
    public var standardOutput: String {
        self.state.withLock { $0.streams[.standardOutput, default: .init()].text }
    }

    /// Everything read from standard error so far.
    public var standardError: String {
        self.state.withLock { $0.streams[.standardError, default: .init()].text }
    }

    /// Waits until the process exits and returns ``exitStatus``.
    public func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status: Int32? = self.state.withLock { state in
                if let status = state.exitStatus { return status }
                state.exitWaiters.append(continuation)
                return nil
            }
            if let status {
                continuation.resume(returning: status)
            }
        }
    }

    /// Waits for a line containing `text` on `output`.
    ///
    /// Lines already captured count, so a line printed before the call is
    /// found; pass `after` (a ``Line/number`` returned earlier) to look only
    /// at later lines.
    ///
    /// - Throws: `ProcessRunnerError` `process.output_ended` when the stream
    ///   closes without such a line, `DeadlineExceededError` after `timeout`,
    ///   or `CancellationError`.
    @discardableResult
    public func waitForLine(
        containing text: String,
        on output: Output = .standardOutput,
        after: Int? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> Line {
        let firstLine = (after ?? -1) + 1
        do {
            return try await withDeadline(timeout) {
                try await self.nextLine(containing: text, on: output, from: firstLine)
            }
        } catch let error as ProcessRunnerError {
            throw error
        } catch let error as DeadlineExceededError {
            throw ProcessRunnerError(
                code: ProcessRunnerError.timeout,
                message: "no line containing \"\(text)\" on \(output) within \(error.timeout)",
                output: self.tail(output)
            )
        }
    }

    private func nextLine(containing text: String, on output: Output, from firstLine: Int) async throws -> Line {
        let id = self.state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Line, any Error>) in
                let outcome: Result<Line, any Error>? = self.state.withLock { state in
                    if state.cancelledWaiters.remove(id) != nil {
                        return .failure(CancellationError())
                    }
                    let stream = state.streams[output, default: .init()]
                    if let line = stream.firstLine(containing: text, from: firstLine) {
                        return .success(line)
                    }
                    if stream.closed {
                        return .failure(self.endedError(text: text, output: output, stream: stream))
                    }
                    state.lineWaiters[id] = LineWaiter(text: text, output: output, firstLine: firstLine, continuation: continuation)
                    return nil
                }
                if let outcome {
                    continuation.resume(with: outcome)
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state in
                let waiter = state.lineWaiters.removeValue(forKey: id)
                if waiter == nil { state.cancelledWaiters.insert(id) }
                return waiter
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    // MARK: - Events from Foundation

    private func receive(_ data: Data, from output: Output, handle: FileHandle) {
        if data.isEmpty {
            handle.readabilityHandler = nil
        }
        var resumptions: [(CheckedContinuation<Line, any Error>, Result<Line, any Error>)] = []
        self.state.withLock { state in
            var stream = state.streams[output, default: .init()]
            let firstNew = stream.lines.count
            if data.isEmpty {
                stream.close()
            } else {
                stream.append(data)
            }
            state.streams[output] = stream
            for (id, waiter) in state.lineWaiters where waiter.output == output {
                if let line = stream.firstLine(containing: waiter.text, from: max(waiter.firstLine, firstNew)) {
                    resumptions.append((waiter.continuation, .success(line)))
                    state.lineWaiters[id] = nil
                } else if stream.closed {
                    resumptions.append((waiter.continuation, .failure(self.endedError(text: waiter.text, output: output, stream: stream))))
                    state.lineWaiters[id] = nil
                }
            }
        }
        for (continuation, result) in resumptions {
            continuation.resume(with: result)
        }
    }

    private func exited(status: Int32) {
        let waiters = self.state.withLock { state in
            state.exitStatus = status
            defer { state.exitWaiters = [] }
            return state.exitWaiters
        }
        for waiter in waiters {
            waiter.resume(returning: status)
        }
    }

    private func endedError(text: String, output: Output, stream: CapturedStream) -> ProcessRunnerError {
        ProcessRunnerError(
            code: ProcessRunnerError.outputEnded,
            message: "\(output) closed without a line containing \"\(text)\"",
            output: stream.tail()
        )
    }

    private func tail(_ output: Output) -> String {
        self.state.withLock { $0.streams[output, default: .init()].tail() }
    }
}

// MARK: - State

extension ProcessRunner {
    struct LineWaiter {
        var text: String
        var output: Output
        var firstLine: Int
        var continuation: CheckedContinuation<Line, any Error>
    }

    struct CapturedStream {
        var lines: [String] = []
        var partial: [UInt8] = []
        var closed = false

        mutating func append(_ data: Data) {
            for byte in data {
                if byte == UInt8(ascii: "\n") {
                    self.lines.append(String(decoding: self.partial, as: UTF8.self))
                    self.partial.removeAll(keepingCapacity: true)
                } else {
                    self.partial.append(byte)
                }
            }
        }

        mutating func close() {
            if !self.partial.isEmpty {
                self.lines.append(String(decoding: self.partial, as: UTF8.self))
                self.partial = []
            }
            self.closed = true
        }

        func firstLine(containing text: String, from first: Int) -> Line? {
            guard first < self.lines.count else { return nil }
            for number in first..<self.lines.count where self.lines[number].contains(text) {
                return Line(text: self.lines[number], number: number)
            }
            return nil
        }

        var text: String {
            var text = self.lines.joined(separator: "\n")
            if !self.lines.isEmpty { text += "\n" }
            return text + String(decoding: self.partial, as: UTF8.self)
        }

        /// The last lines, for error messages.
        func tail(_ count: Int = 20) -> String {
            self.lines.suffix(count).joined(separator: "\n")
        }
    }

    struct State {
        var streams: [Output: CapturedStream] = [:]
        var exitStatus: Int32?
        var exitWaiters: [CheckedContinuation<Int32, Never>] = []
        var lineWaiters: [UInt64: LineWaiter] = [:]
        var cancelledWaiters: Set<UInt64> = []
        var nextWaiterID: UInt64 = 0
    }
}
