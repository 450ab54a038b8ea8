import FangyiEvents
public import FangyiService
import Foundation
public import Hummingbird
public import Logging
import NIOCore

/// The operators' query API (bearer token, see ``TracingConfiguration/operatorTokens``):
///
/// - `GET /v1/cases/{caseId}`: the case and its contacts.
/// - `GET /v1/chains/{chainId}`: the chain as JSON; `?format=dot` or `Accept: text/vnd.graphviz` for DOT.
/// - `GET /v1/follow-ups?area=CODE`: the grid worker's list of every pending contact, earliest
///   deadline first (overdue, then due today, then due just after midnight).
/// - `POST /v1/contacts/{contactId}/follow-up`: the grid worker found the person.
///
/// Answers carry subject refs (pseudonyms), never names or phones.
/// Concurrency: `Sendable`; handlers run concurrently on the database pool.
public struct TracingAPI: Sendable {
    let database: Database
    let policy: TracingPolicy
    let tokens: OperatorTokens
    let logger: Logger

    /// Creates the API.
    public init(database: Database, policy: TracingPolicy, tokens: OperatorTokens, logger: Logger) {
        self.database = database
        self.policy = policy
        self.tokens = tokens
        self.logger = logger
    }

    /// Adds the routes to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/v1/cases/:caseId") { request, context in
            try authorize(request)
            let caseId = try context.parameters.require("caseId")
            let (record, contacts) = try await database.withConnection { connection in
                let store = TracingStore(connection: connection, logger: logger)
                guard let record = try await store.caseRecord(id: caseId) else {
                    throw ProblemDetails(status: .notFound, detail: "no case with id \(caseId)", code: "case.not_found")
                }
                return (record, try await store.contacts(ofCase: caseId))
            }
            return try json(CaseView(record, contacts: contacts))
        }
        router.get("/v1/chains/:chainId") { request, context in
            try authorize(request)
            let chainId = try context.parameters.require("chainId")
            let records = try await database.withConnection { connection in
                try await TracingStore(connection: connection, logger: logger).cases(inChain: chainId)
            }
            guard !records.isEmpty else {
                throw ProblemDetails(status: .notFound, detail: "no chain with id \(chainId)", code: "chain.not_found")
            }
            let graph = ChainGraph(chainId: chainId, records: records)
            let wantsDot = request.uri.queryParameters.get("format") == "dot"
                || (request.headers[.accept] ?? "").contains("text/vnd.graphviz")
            if wantsDot {
                return Response(status: .ok, headers: [.contentType: "text/vnd.graphviz; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: graph.dot)))
            }
            return try json(graph)
        }
        router.get("/v1/follow-ups") { request, context in
            try authorize(request)
            guard let area = request.uri.queryParameters.get("area"), !area.isEmpty else {
                throw ProblemDetails(status: .badRequest, detail: "the query parameter `area` (an area code) is required",
                                     code: "query.missing_area", pointer: "/area")
            }
            let limitText = request.uri.queryParameters.get("limit") ?? "1000"
            guard let limit = Int(limitText), (1...10_000).contains(limit) else {
                throw ProblemDetails(status: .badRequest, detail: "`limit` must be a whole number from 1 to 10000",
                                     code: "query.invalid_limit", pointer: "/limit")
            }
            let now = Date()
            let today = FollowUp.localDay(containing: now, policy: policy)
            let due = try await database.withConnection { connection in
                try await TracingStore(connection: connection, logger: logger).followUps(area: area, limit: limit)
            }
            return try json(FollowUpList(area: area, asOf: now, items: due.map { FollowUpList.Item($0, now: now, endOfToday: today.end) }))
        }
        router.post("/v1/contacts/:contactId/follow-up") { request, context in
            try authorize(request)
            let contactId = try context.parameters.require("contactId")
            let updated = try await database.withConnection { connection in
                try await TracingStore(connection: connection, logger: logger).markFollowedUp(contactId, at: Date())
            }
            guard updated else {
                throw ProblemDetails(status: .notFound, detail: "no active contact with id \(contactId)", code: "contact.not_found")
            }
            return Response(status: .noContent)
        }
    }

    private func authorize(_ request: Request) throws {
        try tokens.authorize(request, realm: "fangyi-tracing")
    }

    private func json(_ value: some Encodable) throws -> Response {
        try ServiceHTTP.json(value)
    }
}

/// `GET /v1/cases/{id}`.
struct CaseView: Encodable {
    struct Contact: Encodable {
        let contactId: String
        let subjectRef: String
        let tier: String
        let via: String
        let venueId: String?
        let viaContactId: String?
        let areaCode: String
        let exposureFrom: Date
        let exposureUntil: Date
        let identifiedAt: Date
        let followUpDeadline: Date
        let followedUpAt: Date?

        init(_ record: ContactRecord) {
            contactId = record.contactId; subjectRef = record.subjectRef; tier = record.tier.rawValue; via = record.via.rawValue
            venueId = record.venueId; viaContactId = record.viaContactId; areaCode = record.areaCode
            exposureFrom = record.exposure.start; exposureUntil = record.exposure.end; identifiedAt = record.identifiedAt
            followUpDeadline = record.followUpDeadline; followedUpAt = record.followedUpAt
        }
    }
    let caseId: String
    let subjectRef: String
    let classification: String
    let severity: String
    let areaCode: String
    let infectiousFrom: Date
    let infectiousUntil: Date
    let openedAt: Date
    let chainId: String
    let sourceCaseId: String?
    let recoveredAt: Date?
    let contacts: [Contact]

    init(_ record: CaseRecord, contacts: [ContactRecord]) {
        caseId = record.caseId; subjectRef = record.subjectRef; classification = record.classification.rawValue
        severity = record.severity.rawValue; areaCode = record.areaCode; infectiousFrom = record.window.start
        infectiousUntil = record.window.end; openedAt = record.openedAt; chainId = record.chainId
        sourceCaseId = record.sourceCaseId; recoveredAt = record.recoveredAt
        self.contacts = contacts.map(Contact.init)
    }
}

/// `GET /v1/follow-ups`.
struct FollowUpList: Encodable {
    struct Item: Encodable {
        let contact: CaseView.Contact
        let sourceCaseId: String
        let overdue: Bool
        let dueToday: Bool

        init(_ record: ContactRecord, now: Date, endOfToday: Date) {
            contact = CaseView.Contact(record)
            sourceCaseId = record.sourceCaseId
            overdue = record.followUpDeadline < now
            dueToday = record.followUpDeadline <= endOfToday
        }
    }
    let area: String
    let asOf: Date
    let items: [Item]
}
