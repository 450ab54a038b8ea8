import FangyiEvents
public import FangyiService
import Foundation
public import Hummingbird
public import Logging
import NIOCore

/// The notifier's HTTP API.
///
/// Public (no token): risk levels, and public alerts (poll or stream):
/// - `GET /v1/risk-levels`, `GET /v1/risk-levels/{area}`: every area's level with its reason, rule and counts
///   (an area never judged is low).
/// - `GET /v1/alerts?after=&limit=&kinds=&areas=&minSeverity=&audiences=&includeHeld=`: alerts after a number,
///   in order (alerts held for a digest included unless `includeHeld=false`).
/// - `GET /v1/alerts/stream?...` with the same filters: server-sent events (see ``AlertStream``;
///   held alerts only with `includeHeld=true`).
///   Audiences other than `public` need an operator token; `person` is never served.
///
/// Operator token (`NOTIFIER_OPERATOR_TOKENS_SHA256`):
/// - `POST /v1/subscriptions`: `{"name", "url", "kinds", "areas", "minSeverity", "audiences", "ratePerMinute"}`;
///   answers 201 with the subscription and its signing `secret`, shown this once.
/// - `GET /v1/subscriptions`, `GET /v1/subscriptions/{id}`: status, queue and failure counts.
/// - `GET /v1/subscriptions/{id}/deliveries?state=pending|delivered|dead&limit=`.
/// - `POST /v1/subscriptions/{id}/pause`, `POST /v1/subscriptions/{id}/resume` (`?redeliver=true`
///   also puts its dead-lettered deliveries back, first in order), `DELETE /v1/subscriptions/{id}`.
/// - `GET /v1/messages?state=&limit=`, `POST /v1/messages/redeliver`: messages to persons.
///
/// Concurrency: `Sendable`; handlers run concurrently on the database pool.
public struct NotifierAPI: Sendable {
    let database: Database
    let tokens: OperatorTokens
    let deliverer: Deliverer?
    let streams: AlertStreams
    let policy: NotifierPolicy
    let allowInsecureWebhooks: Bool
    let logger: Logger

    /// Creates the API.
    public init(database: Database, tokens: OperatorTokens, deliverer: Deliverer?, streams: AlertStreams, policy: NotifierPolicy,
                allowInsecureWebhooks: Bool, logger: Logger) {
        self.database = database
        self.tokens = tokens
        self.deliverer = deliverer
        self.streams = streams
        self.policy = policy
        self.allowInsecureWebhooks = allowInsecureWebhooks
        self.logger = logger
    }

    /// Adds the routes to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/v1/risk-levels") { _, _ in
            try ServiceHTTP.json(try await read { try await $0.levels() })
        }
        router.get("/v1/risk-levels/:area") { _, context in
            let area = try context.parameters.require("area")
            guard [6, 9, 12].contains(area.count), area.allSatisfy(\.isASCIIDigitCharacter) else {
                throw ProblemDetails(status: .badRequest, detail: "an area code is 6, 9 or 12 digits", code: "area.invalid")
            }
            let level = try await read { try await $0.levels(area: area) }.first
            // An area never judged has had no case: low.
            return try ServiceHTTP.json(level ?? AreaLevelView(
                areaCode: area, level: .low, reason: LocalizedText(zh: "无病例记录", en: "no case recorded"), rule: policy.riskRule.rawValue,
                since: nil, evaluatedAt: nil, facts: nil))
        }
        router.get("/v1/alerts") { request, _ in
            let filter = try filter(of: request)
            let after = Int64(try ServiceHTTP.integerQuery(request, "after", default: 0, range: 0...Int.max))
            let limit = try ServiceHTTP.integerQuery(request, "limit", default: 100, range: 1...1000)
            let includeHeld = request.uri.queryParameters.get("includeHeld") != "false"
            let alerts = try await read { try await $0.alerts(after: after, filter: filter, includeHeld: includeHeld, limit: limit) }
            var body = ByteBuffer(string: "[")
            for (index, alert) in alerts.enumerated() {
                if index > 0 { body.writeString(",") }
                body.writeString("{\"seq\":\(alert.seq),\"alert\":\(alert.payload)}")
            }
            body.writeString("]")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        router.get("/v1/alerts/stream") { request, _ in
            let filter = try filter(of: request)
            let after = try startingPoint(of: request)
            let includeHeld = request.uri.queryParameters.get("includeHeld") == "true"
            guard let slot = streams.open() else {
                throw ProblemDetails(status: .serviceUnavailable, detail: "too many open streams on this instance; retry later",
                                     code: "stream.too_many", headers: [.retryAfter: "5"])
            }
            return AlertStream(database: database, streams: streams, slot: slot, filter: filter, includeHeld: includeHeld, after: after,
                               logger: logger).response()
        }
        router.post("/v1/subscriptions") { request, _ in
            try authorize(request)
            let body = try await ServiceHTTP.decode(NewSubscription.self, from: request)
            let (filter, rate) = try validate(body)
            let id = "sub_" + (0..<12).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            let secret = WebhookSignature.newSecret()
            try await write { try await $0.createSubscriber(id: id, name: body.name, url: body.url, secret: secret, filter: filter,
                                                            ratePerMinute: rate) }
            logger.info("subscription created", metadata: ["fangyi.subscriber": "\(id)"])
            let view = try await read { try await $0.subscriptions(id: id) }.first
            var response = try ServiceHTTP.json(CreatedSubscription(subscription: view, secret: secret), status: .created)
            response.headers[.location] = "/v1/subscriptions/\(id)"
            return response
        }
        router.get("/v1/subscriptions") { request, _ in
            try authorize(request)
            return try ServiceHTTP.json(try await read { try await $0.subscriptions() })
        }
        router.get("/v1/subscriptions/:id") { request, context in
            try authorize(request)
            return try ServiceHTTP.json(try await subscription(try context.parameters.require("id")))
        }
        router.get("/v1/subscriptions/:id/deliveries") { request, context in
            try authorize(request)
            let id = try context.parameters.require("id")
            _ = try await subscription(id)
            let state = try deliveryState(of: request)
            let limit = try ServiceHTTP.integerQuery(request, "limit", default: 100, range: 1...10_000)
            return try ServiceHTTP.json(try await read { try await $0.deliveries(subscriber: id, state: state, limit: limit) })
        }
        router.post("/v1/subscriptions/:id/pause") { request, context in
            try authorize(request)
            let id = try context.parameters.require("id")
            try await change(id, status: "paused", reason: "paused by an operator")
            return try ServiceHTTP.json(try await subscription(id))
        }
        router.post("/v1/subscriptions/:id/resume") { request, context in
            try authorize(request)
            let id = try context.parameters.require("id")
            let redeliver = request.uri.queryParameters.get("redeliver") == "true"
            try await change(id, status: "active", reason: nil) { store in
                if redeliver { try await store.redeliverDeadLettered(id) }
            }
            deliverer?.notify()
            return try ServiceHTTP.json(try await subscription(id))
        }
        registerMessages(on: router)
        router.delete("/v1/subscriptions/:id") { request, context in
            try authorize(request)
            let id = try context.parameters.require("id")
            try await change(id, status: "deleted", reason: "deleted by an operator") { try await $0.dropPending(id) }
            return Response(status: .noContent)
        }
    }

    /// The message-gateway queue: `GET /v1/messages?state=&limit=` lists messages to persons (no
    /// contact details: ids, attempts, errors); `POST /v1/messages/redeliver` puts the
    /// dead-lettered ones whose order is still due back in the queue.
    private func registerMessages<Context: RequestContext>(on router: Router<Context>) {
        router.get("/v1/messages") { request, _ in
            try authorize(request)
            let state = try deliveryState(of: request)
            let limit = try ServiceHTTP.integerQuery(request, "limit", default: 100, range: 1...10_000)
            return try ServiceHTTP.json(try await read {
                try await $0.deliveries(subscriber: NotifierStore.personGateway, state: state, limit: limit)
            })
        }
        router.post("/v1/messages/redeliver") { request, _ in
            try authorize(request)
            let count = try await write { try await $0.redeliverDeadLettered(NotifierStore.personGateway) }
            deliverer?.notify()
            logger.info("person messages put back for delivery", metadata: ["fangyi.messages": "\(count)"])
            return try ServiceHTTP.json(["redelivered": count])
        }
    }

    private func deliveryState(of request: Request) throws -> String? {
        let state = request.uri.queryParameters.get("state").map { String($0) }
        if let state, !["pending", "delivered", "dead"].contains(state) {
            throw ProblemDetails(status: .badRequest, detail: "state must be pending, delivered or dead", code: "query.invalid_state",
                                 pointer: "/state")
        }
        return state
    }

    private func authorize(_ request: Request) throws {
        try tokens.authorize(request, realm: "fangyi-notifier")
    }

    /// The filter in the query (`kinds`, `areas`, `audiences` comma-separated; `minSeverity`);
    /// non-public audiences need a token.
    private func filter(of request: Request) throws -> AlertFilter {
        let query = request.uri.queryParameters
        func list<T>(_ name: String, _ parse: (String) -> T?, _ expected: String) throws -> [T] {
            guard let text = query.get(name), !text.isEmpty else { return [] }
            return try text.split(separator: ",").map { item in
                guard let value = parse(String(item)) else {
                    throw ProblemDetails(status: .badRequest, detail: "\(name): \(item) is not \(expected)", code: "query.invalid_\(name)",
                                         pointer: "/\(name)")
                }
                return value
            }
        }
        var filter = AlertFilter(
            kinds: try list("kinds", AlertKind.init(rawValue:), "an alert kind"), areas: try list("areas", { (text: String) -> String? in text }, "an area prefix"),
            minSeverity: try list("minSeverity", AlertSeverity.init(rawValue:), "info, warning or critical").first ?? .info,
            audiences: try list("audiences", AlertAudience.init(rawValue:), "an audience"))
        if filter.audiences.isEmpty { filter.audiences = [.public] }
        if let (field, reason) = filter.problem() {
            throw ProblemDetails(status: .badRequest, detail: "\(field) \(reason)", code: "query.invalid_\(field)", pointer: "/\(field)")
        }
        if filter.needsAuthorization { try authorize(request) }
        return filter
    }

    /// Where a stream starts: after `Last-Event-ID` (a reconnecting client), after `?after=`,
    /// or (neither) after the latest alert: a new client sees what comes next.
    private func startingPoint(of request: Request) throws -> Int64? {
        if let header = request.headers[.init("Last-Event-ID")!] {
            guard let seq = Int64(header.trimmingCharacters(in: .whitespaces)), seq >= 0 else {
                throw ProblemDetails(status: .badRequest, detail: "Last-Event-ID must be an alert number from this stream",
                                     code: "stream.invalid_last_event_id")
            }
            return seq
        }
        if request.uri.queryParameters.get("after") != nil {
            return Int64(try ServiceHTTP.integerQuery(request, "after", default: 0, range: 0...Int.max))
        }
        return nil
    }

    private func validate(_ body: NewSubscription) throws -> (AlertFilter, Int) {
        func invalid(_ field: String, _ reason: String) -> ProblemDetails {
            ProblemDetails(status: .unprocessableContent, detail: "\(field) \(reason)", code: "subscription.invalid", pointer: "/\(field)")
        }
        let name = body.name.trimmingCharacters(in: .whitespaces)
        guard (1...200).contains(name.count) else { throw invalid("name", "must be 1-200 characters") }
        guard let url = URL(string: body.url), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
              body.url.count <= 2000 else {
            throw invalid("url", "must be an absolute http(s) URL")
        }
        guard scheme == "https" || (scheme == "http" && allowInsecureWebhooks) else {
            throw invalid("url", allowInsecureWebhooks ? "must use http or https" : "must use https (NOTIFIER_ALLOW_INSECURE_WEBHOOKS is off)")
        }
        let filter = AlertFilter(kinds: body.kinds ?? [], areas: body.areas ?? [], minSeverity: body.minSeverity ?? .info,
                                 audiences: body.audiences ?? [.public])
        if let (field, reason) = filter.problem() { throw invalid(field, reason) }
        let rate = body.ratePerMinute ?? policy.defaultRatePerMinute
        guard (1...1_000_000).contains(rate) else { throw invalid("ratePerMinute", "must be 1-1000000") }
        return (filter, rate)
    }

    private func subscription(_ id: String) async throws -> SubscriptionView {
        guard let view = try await read({ try await $0.subscriptions(id: id) }).first else {
            throw ProblemDetails(status: .notFound, detail: "no subscription \(id)", code: "subscription.not_found")
        }
        return view
    }

    private func change(_ id: String, status: String, reason: String?,
                        also: @Sendable (NotifierStore) async throws -> Void = { _ in }) async throws {
        let found = try await write { store -> Bool in
            guard try await store.setStatus(id, to: status, reason: reason) else { return false }
            try await also(store)
            return true
        }
        guard found else { throw ProblemDetails(status: .notFound, detail: "no subscription \(id)", code: "subscription.not_found") }
        logger.info("subscription changed", metadata: ["fangyi.subscriber": "\(id)", "fangyi.status": "\(status)"])
    }

    private func read<R: Sendable>(_ body: @Sendable (NotifierStore) async throws -> R) async throws -> R {
        try await database.withConnection { try await body(NotifierStore(connection: $0, logger: logger)) }
    }

    private func write<R: Sendable>(_ body: @Sendable (NotifierStore) async throws -> R) async throws -> R {
        try await database.withTransaction(logger: logger) { try await body(NotifierStore(connection: $0, logger: logger)) }
    }
}

struct NewSubscription: Decodable {
    var name: String
    var url: String
    var kinds: [AlertKind]?
    var areas: [String]?
    var minSeverity: AlertSeverity?
    var audiences: [AlertAudience]?
    var ratePerMinute: Int?
}

struct CreatedSubscription: Encodable {
    var subscription: SubscriptionView?
    /// The signing secret, shown once.
    var secret: String
}
