import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// The labs registry in force, reloaded when its file changes (a bad new file is
/// logged and ignored: the last good registry stays).
///
/// Concurrency: thread-safe; `current` is read on every request.
public final class LabDirectory: Service, Sendable {
    private let registry: Mutex<LabRegistry>
    private let path: String?
    private let interval: Duration
    private let logger: Logger
    private let modified: Mutex<Date?>

    /// A directory over a fixed registry (tests).
    public convenience init(registry: LabRegistry, logger: Logger) {
        self.init(registry: registry, path: nil, reloadInterval: .seconds(3600), logger: logger)
    }

    /// Loads `path`; throws when it cannot be read or is invalid.
    public convenience init(path: String, reloadInterval: Duration, logger: Logger) throws(IntakeProblem) {
        let registry = try Self.load(path)
        self.init(registry: registry, path: path, reloadInterval: reloadInterval, logger: logger)
        logger.info("labs registry loaded", metadata: ["intake.labs": "\(registry.labs.count)"])
    }

    private init(registry: LabRegistry, path: String?, reloadInterval: Duration, logger: Logger) {
        self.registry = Mutex(registry)
        self.path = path
        self.interval = reloadInterval
        self.logger = logger
        self.modified = Mutex(path.flatMap(Self.modificationDate))
    }

    /// The registry in force.
    public var current: LabRegistry { registry.withLock { $0 } }

    /// Checks the file for changes every reload interval until shutdown.
    public func run() async throws {
        guard let path else { return await gracefulShutdownOrCancelled() }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // A file check every interval; shutdown ends the wait at once.
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            } catch {
                return
            }
            let date = Self.modificationDate(path)
            guard date != modified.withLock({ $0 }) else { continue }
            modified.withLock { $0 = date }
            do {
                let fresh = try Self.load(path)
                registry.withLock { $0 = fresh }
                logger.notice("labs registry reloaded", metadata: ["intake.labs": "\(fresh.labs.count)"])
            } catch {
                logger.error("labs registry not reloaded; keeping the previous one", metadata: ["error.code": "\(error.code)", "error.message": "\(error.message)"])
            }
        }
    }

    private func gracefulShutdownOrCancelled() async {
        try? await gracefulShutdown()
    }

    private static func load(_ path: String) throws(IntakeProblem) -> LabRegistry {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IntakeProblem(code: "labs.unreadable", message: "cannot read the labs registry at \(path)", pointer: "")
        }
        return try LabRegistry(json: [UInt8](data))
    }

    private static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
