public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Posts JSON bodies for the deliverer: no redirects followed (a webhook that moved must be
/// re-registered), a deadline per request, the answer's body read and dropped (at most 64 KiB).
/// Concurrency: `Sendable`; AsyncHTTPClient's client is thread-safe.
public struct HTTPPoster: Sendable {
    /// The client (shut down by its owner).
    public let client: HTTPClient

    /// Creates the client: connection reuse per host, up to `connectionsPerHost` at once.
    public static func makeClient(connectionsPerHost: Int = 64) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost))
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Wraps `client`.
    public init(client: HTTPClient) {
        self.client = client
    }

    /// The status code, or what went wrong (no URL, body or header in the text: they may
    /// name a person's contact or a secret).
    public enum Answer: Sendable, Equatable {
        case status(Int)
        case failure(String)
    }

    /// POSTs `body` to `url` with `headers`; answers within `timeout`.
    public func post(_ url: String, body: [UInt8], headers: [(String, String)], timeout: Duration) async -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "fangyi-notifier")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let (seconds, attoseconds) = timeout.components
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return .status(Int(response.status.code))
        } catch let error as HTTPClientError {
            return .failure(Self.describe(error))
        } catch {
            return .failure("connection failed (\(type(of: error)))")
        }
    }

    private static func describe(_ error: HTTPClientError) -> String {
        switch error {
        case .deadlineExceeded, .readTimeout, .writeTimeout: "timed out"
        case .connectTimeout: "connect timed out"
        case .remoteConnectionClosed: "connection closed by the receiver"
        case .invalidURL, .emptyHost, .emptyScheme: "invalid URL"
        default: "HTTP client error \(String(describing: error).prefix(80))"
        }
    }
}
