import FangyiService
import Foundation
import Hummingbird
import Logging
import NIOCore
public import ServiceLifecycle
import Synchronization

/// Ends every open stream at graceful shutdown (the HTTP server waits for responses in
/// progress, and a stream would never finish on its own), and carries the stream settings.
/// Concurrency: `Sendable`; the flag is behind a mutex.
public final class AlertStreams: Service, Sendable {
    private let stopping = Mutex(false)
    fileprivate let openCount = Mutex(0)
    /// Most streams open at once on this instance (each polls the database).
    public let limit: Int
    /// How often a quiet stream sends a heartbeat.
    public let heartbeat: Duration
    /// How often a stream looks for new alerts.
    public let pollInterval: Duration

    /// Creates the registry.
    public init(heartbeat: Duration, pollInterval: Duration = .milliseconds(250), limit: Int = 200) {
        self.heartbeat = heartbeat
        self.pollInterval = pollInterval
        self.limit = limit
    }

    /// Takes a stream slot; nil when ``limit`` streams are open.
    func open() -> Slot? {
        openCount.withLock { count in
            guard count < limit else { return nil }
            count += 1
            return Slot(streams: self)
        }
    }

    /// An open stream's place; released when the stream ends.
    final class Slot: Sendable {
        let streams: AlertStreams
        init(streams: AlertStreams) { self.streams = streams }
        deinit { streams.openCount.withLock { $0 -= 1 } }
    }

    /// Whether streams must end.
    public var isStopping: Bool { stopping.withLock { $0 } }

    public func run() async throws {
        try? await gracefulShutdown()
        stopping.withLock { $0 = true }
    }
}

/// One `GET /v1/alerts/stream` response: `text/event-stream` with one event per alert
/// (`id:` the alert number, `event: alert`, `data:` the alert's JSON as on `alerts.v1`), a
/// `: heartbeat` comment when quiet, and `retry: 2000`. A client that reconnects with
/// `Last-Event-ID` gets every matching alert after that number, in order: numbers follow
/// commit order, so none is skipped.
struct AlertStream: Sendable {
    let database: Database
    let streams: AlertStreams
    let slot: AlertStreams.Slot
    let filter: AlertFilter
    /// Whether alerts held for a digest are streamed too.
    let includeHeld: Bool
    /// Stream alerts after this number; nil: after the latest.
    let after: Int64?
    let logger: Logger

    func response() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                defer { withExtendedLifetime(slot) {} }
                try await stream(to: &writer)
                try await writer.finish(nil)
            })
    }

    private func stream(to writer: inout any ResponseBodyWriter) async throws {
        var last: Int64
        if let after {
            last = after
        } else {
            last = try await database.withConnection { try await NotifierStore(connection: $0, logger: logger).lastAlertSeq() }
        }
        try await writer.write(ByteBuffer(string: "retry: 2000\n: connected after \(last)\n\n"))
        var quietSince = ContinuousClock.now
        while !streams.isStopping && !Task.isCancelled {
            let cursor = last
            // Up to the latest committed number (later commits get larger ones): the cursor moves
            // past alerts the filter skips, so no poll scans them again.
            let (alerts, top) = try await database.withConnection { connection in
                let store = NotifierStore(connection: connection, logger: logger)
                let top = try await store.lastAlertSeq()
                return (try await store.alerts(after: cursor, through: top, filter: filter, includeHeld: includeHeld, limit: 500), top)
            }
            if !alerts.isEmpty {
                var buffer = ByteBuffer()
                for alert in alerts {
                    buffer.writeString("id: \(alert.seq)\nevent: alert\ndata: \(alert.payload)\n\n")
                    last = alert.seq
                }
                try await writer.write(buffer)
                quietSince = .now
                if alerts.count == 500 { continue }
                last = top
            } else {
                last = max(last, top)
                if ContinuousClock.now - quietSince >= streams.heartbeat {
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    quietSince = .now
                }
            }
            try? await Task.sleep(for: streams.pollInterval)
        }
    }
}
