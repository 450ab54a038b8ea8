@testable import FangyiAllocator
import FangyiEvents
import FangyiService
import FangyiTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Allocator operator API")
struct AllocatorAPITests {
    static let token = "allocator-operator-token"
    static let auth: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]

    static func application(_ harness: AllocatorHarness) -> some ApplicationProtocol {
        let router = ServiceHTTP.makeRouter()
        AllocatorAPI(database: harness.database, admin: harness.admin, policy: harness.policy,
                     tokens: OperatorTokens(digests: [OperatorTokens.digest(of: token)]), logger: harness.logger).register(on: router)
        return Application(router: router)
    }

    static func json(_ buffer: ByteBuffer) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(buffer: buffer))
    }

    @Test("capacity report, facilities, person history, waitlist; 401 without a token; admin changes with clear errors")
    func endpoints() async throws {
        try await AllocatorHarness.run(seed: Seeds.city(roomsA: 1, roomsB: 0, icu: 2, ventilators: 3)) { harness in
            let now = harness.clock.now
            try await harness.apply([Inputs.closeContact("h1", area: "A", exposedAt: now), Inputs.closeContact("h2", area: "A", exposedAt: now)])
            try await harness.apply([Inputs.caseOpened("icu", area: "B", at: now, severity: .critical)])
            try await Self.application(harness).test(.router) { client in
                try await client.execute(uri: "/v1/capacity", method: .get) { response in
                    #expect(response.status == .unauthorized)
                    #expect(!String(buffer: response.body).contains("h1"))
                }
                try await client.execute(uri: "/v1/capacity", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    let body = try #require(try Self.json(response.body) as? [String: Any])
                    let totals = try #require(body["totals"] as? [String: Any])
                    #expect(totals["icuBeds"] as? Int == 2)
                    #expect(totals["icuBedsOccupied"] as? Int == 1)
                    #expect(totals["ventilators"] as? Int == 3)
                    #expect(totals["ventilatorsInUse"] as? Int == 1)
                    #expect(totals["quarantineRooms"] as? Int == 1)
                    #expect(totals["quarantineRoomsOccupied"] as? Int == 1)
                    #expect((body["waitlist"] as? [String: Any])?["quarantineSite"] as? Int == 1)
                }
                try await client.execute(uri: "/v1/waitlist?kind=quarantineSite", method: .get, headers: Self.auth) { response in
                    let list = try #require(try Self.json(response.body) as? [[String: Any]])
                    #expect(list.count == 1)
                    #expect(list.first?["position"] as? Int == 1)
                }
                try await client.execute(uri: "/v1/waitlist?kind=hotel", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("/kind"))
                }
                let holder = try #require(try await harness.active().keys.first { $0.hasPrefix("h") })
                try await client.execute(uri: "/v1/persons/\(holder)/assignments", method: .get, headers: Self.auth) { response in
                    let body = try #require(try Self.json(response.body) as? [String: Any])
                    let assignments = try #require(body["assignments"] as? [[String: Any]])
                    #expect(assignments.count == 1)
                    #expect(assignments.first?["policyVersion"] as? String == AllocationPolicy.default.version)
                    let decisions = try #require(body["decisions"] as? [[String: Any]])
                    #expect(decisions.first?["decision"] as? String == "assigned")
                }
                try await client.execute(uri: "/v1/persons/nobody/assignments", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .notFound)
                }
                // Growing capacity serves the waitlist at once.
                let grow = ByteBuffer(string: #"{"unitType": "quarantineSingleRoom", "total": 2}"#)
                try await client.execute(uri: "/v1/facilities/QS-A/capacity", method: .put, headers: Self.auth, body: grow) { response in
                    #expect(response.status == .noContent)
                }
                #expect(try await harness.waitlist(.quarantineSite).isEmpty)
                let shrink = ByteBuffer(string: #"{"unitType": "quarantineSingleRoom", "total": 1}"#)
                try await client.execute(uri: "/v1/facilities/QS-A/capacity", method: .put, headers: Self.auth, body: shrink) { response in
                    #expect(response.status == .conflict)
                    #expect(String(buffer: response.body).contains("capacity.below_occupancy"))
                }
                let bad = ByteBuffer(string: #"{"unitType": "bunk", "total": 1}"#)
                try await client.execute(uri: "/v1/facilities/QS-A/capacity", method: .put, headers: Self.auth, body: bad) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(String(buffer: response.body).contains("/unitType"))
                }
                try await client.execute(uri: "/v1/facilities/NOPE/capacity", method: .put, headers: Self.auth, body: grow) { response in
                    #expect(response.status == .notFound)
                }
                let facility = ByteBuffer(string: #"{"id": "QS-N", "name": "New", "kind": "quarantineSite", "areaCode": "B", "status": "standby", "units": {"quarantineSingleRoom": 3}}"#)
                try await client.execute(uri: "/v1/facilities", method: .post, headers: Self.auth, body: facility) { response in
                    #expect(response.status == .created)
                }
                try await client.execute(uri: "/v1/facilities", method: .post, headers: Self.auth, body: facility) { response in
                    #expect(response.status == .conflict)
                }
                try await client.execute(uri: "/v1/facilities/QS-N/activate?immediately=true", method: .post, headers: Self.auth) { response in
                    #expect(response.status == .accepted)
                }
                try await client.execute(uri: "/v1/facilities/QS-N", method: .get, headers: Self.auth) { response in
                    let body = try #require(try Self.json(response.body) as? [String: Any])
                    #expect(body["status"] as? String == "active")
                }
                try await client.execute(uri: "/v1/facilities/QS-N/activate", method: .post, headers: Self.auth) { response in
                    #expect(response.status == .conflict)
                }
                try await client.execute(uri: "/v1/audit", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    let body = try #require(try Self.json(response.body) as? [String: Any])
                    #expect(body["unitsHeldTwice"] as? Int == 0)
                }
            }
            #expect(try await harness.published(StandbyActivated.self).contains { $0.facilityId == "QS-N" })
            #expect(try await harness.doubleBookings() == 0)
        }
    }
}
