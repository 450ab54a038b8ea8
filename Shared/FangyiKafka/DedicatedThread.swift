import Foundation

/// Runs blocking librdkafka calls (flush, close, destroy, admin waits) on a
/// thread of their own, so they never block Swift's cooperative thread pool.
enum DedicatedThread {
    /// Runs `body` on a new thread and returns its result to the awaiting task.
    static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: body())
            }
            thread.name = name
            thread.start()
        }
    }

    /// Starts `body` on a new thread without waiting for it (used from `deinit`).
    static func detach(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { body() }
        thread.name = name
        thread.start()
    }
}
