public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a Foundation `Process` so that the child sees signals the way it
/// would if a shell had started it.
///
/// `posix_spawn` gives the child the spawning thread's signal mask, and on
/// Linux Swift tasks run on libdispatch worker threads, which block SIGTERM,
/// SIGINT and most other signals. A child spawned from a task would therefore
/// ignore SIGTERM, and a service would never see its graceful-shutdown
/// signal. ``run(_:)`` spawns from a fresh thread whose mask is empty.
///
/// Used by the test kit's process runner and by `fangyi demo`.
///
/// Concurrency: ``run(_:)`` may be called from any task; each call uses its own thread.
public enum ChildProcessLauncher {
    /// Calls `process.run()` on a new thread with no signals blocked and
    /// returns once the child has been spawned.
    ///
    /// - Throws: Foundation's error when the program cannot be started.
    public static func run(_ process: Process) async throws {
        let failure: (any Error)? = await withCheckedContinuation { continuation in
            let thread = Thread {
                var nothing = sigset_t()
                sigemptyset(&nothing)
                pthread_sigmask(SIG_SETMASK, &nothing, nil)
                do {
                    try process.run()
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(returning: error)
                }
            }
            thread.name = "fangyi.process-spawn"
            thread.start()
        }
        if let failure {
            throw failure
        }
    }
}
