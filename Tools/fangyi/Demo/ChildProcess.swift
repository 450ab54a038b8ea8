import FangyiService
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A service executable running under `fangyi demo`: its output is forwarded line by line with
/// the service's name in front, and it can be signalled and awaited.
///
/// The child is spawned with no signals blocked (``ChildProcessLauncher``), so the SIGTERM the
/// demo sends on shutdown reaches its graceful-shutdown handler.
///
/// Concurrency: `Sendable`; every method may be called from any task. The exit status is kept
/// behind a mutex and waiters are resumed after it is released.
final class ChildProcess: Sendable {
    /// The service's short name, like `intake`.
    let name: String
    private let process: Process
    private let state = Mutex(State())

    private struct State {
        var exitStatus: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private init(name: String, process: Process) {
        self.name = name
        self.process = process
    }

    /// Starts `executable` with this process's environment plus `environment`, standard input
    /// closed, standard output and error forwarded to ours with `prefix` before each line, or
    /// written to `logFile` when one is given (the demo's live console owns the terminal):
    /// emptied first unless `appendLog` (a restart keeps its predecessor's lines).
    ///
    /// - Throws: Foundation's error when the program cannot be started or the log not opened.
    static func start(name: String, executable: URL, environment: [String: String], prefix: String, logFile: URL? = nil, appendLog: Bool = false) async throws -> ChildProcess {
        let process = Process()
        process.executableURL = executable
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        let child = ChildProcess(name: name, process: process)
        if let logFile {
            if !appendLog || !FileManager.default.fileExists(atPath: logFile.path) {
                _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: logFile)
            try handle.seekToEnd()
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = Self.forwarding(prefix: prefix, to: Console.out)
            process.standardError = Self.forwarding(prefix: prefix, to: Console.err)
        }
        process.terminationHandler = { [weak child] process in
            let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
            child?.exited(status: status)
        }
        try await ChildProcessLauncher.run(process)
        return child
    }

    /// A pipe whose lines are written with `prefix` through `write`.
    private static func forwarding(prefix: String, to write: @escaping @Sendable (String) -> Void) -> Pipe {
        let pipe = Pipe()
        let splitter = LineSplitter()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty {
                handle.readabilityHandler = nil
                if let last = splitter.finish() { write(prefix + last) }
                return
            }
            for line in splitter.append(chunk) { write(prefix + line) }
        }
        return pipe
    }

    /// The child's process id.
    var processIdentifier: Int32 { process.processIdentifier }

    /// The exit status once it has exited (128 + the signal number if a signal ended it).
    var exitStatus: Int32? { state.withLock { $0.exitStatus } }

    /// Sends SIGTERM: the service's graceful shutdown.
    func terminate() { send(SIGTERM) }

    /// Sends SIGKILL, when graceful shutdown took too long.
    func kill() { send(SIGKILL) }

    private func send(_ signal: Int32) {
        // After the child is reaped its pid may belong to another process: never signal it then.
        let pid = processIdentifier
        guard pid > 0, exitStatus == nil else { return }
        #if canImport(Glibc)
        _ = Glibc.kill(pid, signal)
        #elseif canImport(Darwin)
        _ = Darwin.kill(pid, signal)
        #endif
    }

    /// Waits until the child exits and returns its status.
    func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status: Int32? = state.withLock { state in
                if let status = state.exitStatus { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    private func exited(status: Int32) {
        let waiters = state.withLock { state in
            state.exitStatus = status
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume(returning: status) }
    }
}
