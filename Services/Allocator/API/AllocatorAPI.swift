import FangyiEvents
public import FangyiService
import Foundation
public import Hummingbird
public import Logging
import NIOCore

/// The operators' API (bearer token, see ``AllocatorConfiguration/operatorTokens``):
///
/// - `GET /v1/capacity`: the bed report (JSON); the same figures are gauges in `/metrics`.
/// - `GET /v1/facilities`, `GET /v1/facilities/{id}`: inventory with counts per unit type.
/// - `POST /v1/facilities`: add a facility (the seed file's facility object).
/// - `PUT /v1/facilities/{id}/capacity`: `{"unitType": "...", "total": N}`; never below occupancy (409).
/// - `PUT /v1/facilities/{id}/units/{unitId}/status`: `{"status": "inService"|"cleaning"|"closed"}`.
/// - `POST /v1/facilities/{id}/activate` (`?immediately=true` skips the lead time), `POST /v1/facilities/{id}/stand-down`.
/// - `GET /v1/persons/{subjectRef}/assignments`: a person's assignments, decisions and waitlist place.
/// - `GET /v1/waitlist?kind=&limit=`: the waitlist in priority order.
/// - `GET /v1/audit`: the booking invariants counted over the current state (all zero: no unit
///   held twice, no person holding two units for one purpose, ventilator counts right).
///
/// Answers carry subject refs (pseudonyms), never names or phones.
/// Concurrency: `Sendable`; handlers run concurrently on the database pool.
public struct AllocatorAPI: Sendable {
    let database: Database
    let admin: InventoryAdmin
    let policy: AllocationPolicy
    let tokens: OperatorTokens
    let logger: Logger

    /// Creates the API.
    public init(database: Database, admin: InventoryAdmin, policy: AllocationPolicy, tokens: OperatorTokens, logger: Logger) {
        self.database = database
        self.admin = admin
        self.policy = policy
        self.tokens = tokens
        self.logger = logger
    }

    /// Adds the routes to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/v1/capacity") { request, _ in
            try authorize(request)
            return try ServiceHTTP.json(try await read { try await $0.capacityReport(now: Date(), policy: policy) })
        }
        router.get("/v1/facilities") { request, _ in
            try authorize(request)
            return try ServiceHTTP.json(try await read { try await $0.capacityReport(now: Date(), policy: policy) }.facilities)
        }
        router.get("/v1/facilities/:id") { request, context in
            try authorize(request)
            let id = try context.parameters.require("id")
            let report = try await read { try await $0.capacityReport(now: Date(), policy: policy) }
            guard let facility = report.facilities.first(where: { $0.facilityId == id }) else {
                throw ProblemDetails(status: .notFound, detail: "no facility \(id)", code: "facility.not_found")
            }
            return try ServiceHTTP.json(facility)
        }
        router.post("/v1/facilities") { request, context in
            try authorize(request)
            let facility = try await ServiceHTTP.decode(FacilitySpec.self, from: request)
            if let (field, reason) = facility.problem() {
                throw ProblemDetails(status: .unprocessableContent, detail: "\(field) \(reason)", code: "facility.invalid", pointer: "/\(field)")
            }
            try await refusing { try await admin.add(facility) }
            return Response(status: .created, headers: [.location: "/v1/facilities/\(facility.id)"])
        }
        router.put("/v1/facilities/:id/capacity") { request, context in
            try authorize(request)
            let id = try context.parameters.require("id")
            let body = try await ServiceHTTP.decode(CapacityChange.self, from: request)
            guard (0...100_000).contains(body.total) else {
                throw ProblemDetails(status: .unprocessableContent, detail: "total must be 0-100000", code: "capacity.invalid", pointer: "/total")
            }
            try await refusing { try await admin.setCapacity(facilityId: id, unitType: body.unitType, total: body.total) }
            return Response(status: .noContent)
        }
        router.put("/v1/facilities/:id/units/:unitId/status") { request, context in
            try authorize(request)
            let id = try context.parameters.require("id")
            let unit = try context.parameters.require("unitId")
            let body = try await ServiceHTTP.decode(UnitStatusChange.self, from: request)
            try await refusing { try await admin.setUnitStatus(facilityId: id, unitId: unit, status: body.status) }
            return Response(status: .noContent)
        }
        router.post("/v1/facilities/:id/activate") { request, context in
            try authorize(request)
            let id = try context.parameters.require("id")
            let immediately = request.uri.queryParameters.get("immediately") == "true"
            let readyAt = try await refusing { try await admin.activate(facilityId: id, immediately: immediately) }
            return try ServiceHTTP.json(["facilityId": id, "readyAt": readyAt.formatted(.iso8601)], status: .accepted)
        }
        router.post("/v1/facilities/:id/stand-down") { request, context in
            try authorize(request)
            let id = try context.parameters.require("id")
            let left = try await refusing { try await admin.standDown(facilityId: id) }
            return try ServiceHTTP.json(StandDown(facilityId: id, occupantsStillToMove: left), status: .accepted)
        }
        router.get("/v1/persons/:subjectRef/assignments") { request, context in
            try authorize(request)
            let ref = try context.parameters.require("subjectRef")
            let history = try await read { store in
                PersonHistory(subjectRef: ref, assignments: try await store.assignments(of: ref),
                              waiting: try await store.waitlist(kind: nil, subjectRef: ref, limit: 10),
                              decisions: try await store.decisions(of: ref, limit: 1000))
            }
            guard !history.assignments.isEmpty || !history.waiting.isEmpty || !history.decisions.isEmpty else {
                throw ProblemDetails(status: .notFound, detail: "no assignment, waitlist place or decision for this subject ref",
                                     code: "person.not_found")
            }
            return try ServiceHTTP.json(history)
        }
        router.get("/v1/audit") { request, _ in
            try authorize(request)
            let findings = try await AllocatorAudit.check(database)
            return try ServiceHTTP.json(findings, status: findings.isClean ? .ok : .internalServerError)
        }
        router.get("/v1/waitlist") { request, _ in
            try authorize(request)
            let text = request.uri.queryParameters.get("kind").map { String($0) }
            let kind = text.flatMap(FacilityKind.init(rawValue:))
            if text != nil && kind == nil {
                throw ProblemDetails(status: .badRequest, detail: "kind must be one of \(FacilityKind.allCases.map(\.rawValue).joined(separator: ", "))",
                                     code: "query.invalid_kind", pointer: "/kind")
            }
            let limit = try ServiceHTTP.integerQuery(request, "limit", default: 1000, range: 1...10_000)
            return try ServiceHTTP.json(try await read { try await $0.waitlist(kind: kind, limit: limit) })
        }
    }

    private func authorize(_ request: Request) throws {
        try tokens.authorize(request, realm: "fangyi-allocator")
    }

    private func read<R: Sendable>(_ body: @Sendable (AllocatorStore) async throws -> R) async throws -> R {
        try await database.withConnection { connection in
            try await body(AllocatorStore(connection: connection, logger: logger))
        }
    }

    private func refusing<R: Sendable>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch let refusal as InventoryAdmin.Refusal {
            throw ProblemDetails(status: .init(code: refusal.status), detail: refusal.message, code: refusal.code)
        }
    }
}

struct CapacityChange: Decodable {
    let unitType: UnitType
    let total: Int
}

struct UnitStatusChange: Decodable {
    let status: String
}

struct StandDown: Encodable {
    let facilityId: String
    let occupantsStillToMove: Int
}

struct PersonHistory: Encodable {
    let subjectRef: String
    let assignments: [AssignmentView]
    let waiting: [WaitlistView]
    let decisions: [DecisionRecord]
}
