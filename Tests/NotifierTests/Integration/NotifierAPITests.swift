import AsyncHTTPClient
import FangyiEvents
@testable import FangyiNotifier
import FangyiService
import FangyiTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@Suite("Notifier API and stream", .serialized)
struct NotifierAPITests {
    static let token = "notifier-operator-token"
    static let auth: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
    let area = "371502"

    static func router(_ harness: NotifierHarness, streams: AlertStreams) -> Router<BasicRequestContext> {
        let router = ServiceHTTP.makeRouter()
        NotifierAPI(database: harness.database, tokens: OperatorTokens(digests: [OperatorTokens.digest(of: token)]), deliverer: nil,
                    streams: streams, policy: harness.settings.policy, allowInsecureWebhooks: false, logger: harness.logger).register(on: router)
        return router
    }

    static func json(_ buffer: ByteBuffer) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(buffer: buffer))
    }

    @Test("subscriptions: created with the secret shown once, listed without it, paused, resumed, deleted; clear errors; 401 without a token")
    func subscriptions() async throws {
        try await NotifierHarness.run { harness in
            let app = Application(router: Self.router(harness, streams: AlertStreams(heartbeat: .seconds(15))))
            try await app.test(.router) { client in
                let body = ByteBuffer(string: #"{"name": "CDC duty desk", "url": "https://cdc.example/hooks/fangyi", "areas": ["3715"], "minSeverity": "warning", "audiences": ["healthAuthority", "public"], "kinds": ["clusterDetected", "riskLevelChanged"]}"#)
                try await client.execute(uri: "/v1/subscriptions", method: .post, headers: [.contentType: "application/json"], body: body) { response in
                    #expect(response.status == .unauthorized)
                }
                var id = ""
                try await client.execute(uri: "/v1/subscriptions", method: .post, headers: Self.auth, body: body) { response in
                    #expect(response.status == .created)
                    #expect(response.headers[.location]?.hasPrefix("/v1/subscriptions/sub_") == true)
                    let json = try #require(try Self.json(response.body) as? [String: Any])
                    let secret = try #require(json["secret"] as? String)
                    #expect(WebhookSignature.key(ofSecret: secret) != nil)
                    let subscription = try #require(json["subscription"] as? [String: Any])
                    id = try #require(subscription["subscriptionId"] as? String)
                    #expect(subscription["status"] as? String == "active")
                    #expect(subscription["minSeverity"] as? String == "warning")
                }
                try await client.execute(uri: "/v1/subscriptions", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    #expect(!String(buffer: response.body).contains("whsec_"))
                    #expect(String(buffer: response.body).contains(id))
                }
                for (bad, pointer) in [(#"{"name": "x", "url": "http://plain.example/hook"}"#, "/url"),
                                       (#"{"name": "x", "url": "https://a.example/h", "audiences": ["person"]}"#, "/audiences"),
                                       (#"{"name": "x", "url": "https://a.example/h", "areas": ["37x"], "audiences": ["grid"]}"#, "/areas"),
                                       (#"{"name": "x", "url": "https://a.example/h", "kinds": ["rumour"]}"#, "/kinds/0"),
                                       (#"{"name": "", "url": "https://a.example/h"}"#, "/name")] {
                    try await client.execute(uri: "/v1/subscriptions", method: .post, headers: Self.auth, body: ByteBuffer(string: bad)) { response in
                        #expect(response.status == .unprocessableContent, "\(bad)")
                        #expect(String(buffer: response.body).contains(pointer), "\(bad): \(String(buffer: response.body))")
                    }
                }
                try await client.execute(uri: "/v1/subscriptions/\(id)/pause", method: .post, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("\"paused\""))
                }
                try await client.execute(uri: "/v1/subscriptions/\(id)/resume?redeliver=true", method: .post, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("\"active\""))
                }
                try await client.execute(uri: "/v1/subscriptions/\(id)/deliveries?state=dead", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "[]")
                }
                try await client.execute(uri: "/v1/subscriptions/\(id)/deliveries?state=lost", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .badRequest)
                }
                try await client.execute(uri: "/v1/messages?state=dead", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                }
                try await client.execute(uri: "/v1/messages/redeliver", method: .post) { response in
                    #expect(response.status == .unauthorized)
                }
                try await client.execute(uri: "/v1/messages/redeliver", method: .post, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("\"redelivered\":0"))
                }
                try await client.execute(uri: "/v1/subscriptions/\(id)", method: .delete, headers: Self.auth) { response in
                    #expect(response.status == .noContent)
                }
                try await client.execute(uri: "/v1/subscriptions/\(id)", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }

    @Test("risk levels and public alerts need no token; other audiences do; the person audience is never served")
    func publicReads() async throws {
        try await NotifierHarness.run { harness in
            try await harness.apply([Facts.caseOpened(1, area: area, at: NotifierHarness.start),
                                     Facts.contact(2, area: area, at: NotifierHarness.start)])
            let app = Application(router: Self.router(harness, streams: AlertStreams(heartbeat: .seconds(15))))
            try await app.test(.router) { client in
                try await client.execute(uri: "/v1/risk-levels", method: .get) { response in
                    #expect(response.status == .ok)
                    let levels = try #require(try Self.json(response.body) as? [[String: Any]])
                    #expect(levels.first?["areaCode"] as? String == area)
                    #expect(levels.first?["level"] as? String == "medium")
                    #expect(((levels.first?["reason"] as? [String: Any])?["zh"] as? String)?.isEmpty == false)
                }
                try await client.execute(uri: "/v1/risk-levels/999999", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("\"low\""))
                }
                try await client.execute(uri: "/v1/risk-levels/37-15", method: .get) { response in
                    #expect(response.status == .badRequest)
                }
                try await client.execute(uri: "/v1/alerts", method: .get) { response in
                    #expect(response.status == .ok)
                    let alerts = try #require(try Self.json(response.body) as? [[String: Any]])
                    #expect(alerts.count == 1)
                    #expect(!String(buffer: response.body).contains("sr_"))
                }
                try await client.execute(uri: "/v1/alerts?audiences=grid", method: .get) { response in
                    #expect(response.status == .unauthorized)
                }
                try await client.execute(uri: "/v1/alerts?audiences=grid,healthAuthority", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    let alerts = try #require(try Self.json(response.body) as? [[String: Any]])
                    #expect(alerts.count == 3)
                }
                try await client.execute(uri: "/v1/alerts?audiences=person", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .badRequest)
                }
                try await client.execute(uri: "/v1/alerts?minSeverity=urgent", method: .get) { response in
                    #expect(response.status == .badRequest)
                }
            }
        }
    }

    /// Reads server-sent events from `url` until `count` alert events arrived (failing after a
    /// generous bound instead of hanging); returns their ids and alert ids.
    static func readEvents(_ client: HTTPClient, url: String, lastEventID: String?, count: Int,
                           headers: [(String, String)] = []) async throws -> [(id: Int64, alertId: String)] {
        try await withDeadline("\(count) stream events from \(url)") {
            try await read(client, url: url, lastEventID: lastEventID, count: count, headers: headers)
        }
    }

    private static func read(_ client: HTTPClient, url: String, lastEventID: String?, count: Int,
                             headers: [(String, String)]) async throws -> [(id: Int64, alertId: String)] {
        var request = HTTPClientRequest(url: url)
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        #expect(response.headers.first(name: "content-type") == "text/event-stream")
        var text = ""
        var events: [(Int64, String)] = []
        for try await chunk in response.body {
            text += String(buffer: chunk)
            while let end = text.range(of: "\n\n") {
                let block = String(text[..<end.lowerBound])
                text = String(text[end.upperBound...])
                let lines = block.split(separator: "\n")
                guard let id = lines.first(where: { $0.hasPrefix("id: ") }).flatMap({ Int64($0.dropFirst(4)) }),
                      let data = lines.first(where: { $0.hasPrefix("data: ") }) else { continue }
                let alert = try EventJSON.decode(Alert.self, from: Array(data.dropFirst(6).utf8))
                events.append((id, alert.alertId))
                if events.count == count { return events.map { (id: $0.0, alertId: $0.1) } }
            }
        }
        return events.map { (id: $0.0, alertId: $0.1) }
    }

    @Test("the stream: a client that reconnects with Last-Event-ID gets every alert after it, in order, none lost")
    func streamResume() async throws {
        try await NotifierHarness.run { harness in
            let streams = AlertStreams(heartbeat: .milliseconds(100), pollInterval: .milliseconds(20))
            let ports = AsyncStream<Int>.makeStream()
            let app = ServiceHTTP.makeApplication(router: Self.router(harness, streams: streams), host: "127.0.0.1", port: 0,
                                                  serverName: "notifier-test", logger: harness.logger,
                                                  onServerRunning: { ports.continuation.yield($0 ?? 0) })
            let server = Task { try await app.run() }
            var port = 0
            for await value in ports.stream { port = value; break }
            let client = HTTPPoster.makeClient()
            let url = "http://127.0.0.1:\(port)/v1/alerts/stream?audiences=healthAuthority&kinds=caseReported"
            let headers = [("Authorization", "Bearer \(Self.token)")]
            // Alerts issued while the client reads, in several transactions.
            let writer = Task {
                for n in 1...30 {
                    try await harness.apply([Facts.caseOpened(n, area: area, at: NotifierHarness.start.addingTimeInterval(Double(n)))],
                                            label: "stream-\(n)")
                }
            }
            let first = try await Self.readEvents(client, url: url + "&after=0", lastEventID: nil, count: 10, headers: headers)
            // Disconnected; more alerts arrive meanwhile; reconnect with the last id seen.
            try await writer.value
            let rest = try await Self.readEvents(client, url: url, lastEventID: String(first.last?.id ?? 0), count: 20, headers: headers)
            let expected = try await harness.alerts().filter { $0.kind == .caseReported }.map(\.alertId)
            #expect((first + rest).map(\.alertId) == expected)
            #expect((first + rest).map(\.id) == (first + rest).map(\.id).sorted())
            // A public stream without a token is refused for non-public audiences.
            let refused = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            #expect(refused.status.code == 401)
            try await client.shutdown()
            server.cancel()
            _ = await server.result
        }
    }
}
