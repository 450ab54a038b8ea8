import FangyiEvents
import FangyiService
import FangyiTesting
@testable import FangyiTracing
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Testing

@Suite("Tracing query API and retention maintenance")
struct TracingAPITests {
    static let token = "operator-token-1"

    static func application(_ harness: TracingHarness) -> some ApplicationProtocol {
        let router = ServiceHTTP.makeRouter()
        TracingAPI(database: harness.database, policy: .default, tokens: OperatorTokens(digests: [OperatorTokens.digest(of: token)]), logger: harness.kafka.logger).register(on: router)
        return Application(router: router)
    }

    static let auth: HTTPFields = [.authorization: "Bearer \(token)"]

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    @Test("a case with its contacts, the chain as JSON and DOT, the follow-up list and marking a follow-up")
    func queries() async throws {
        let outbreak = Outbreak()
        try await TracingHarness.run(label: "api") { harness in
            try await harness.send(outbreak.checkIns, run: "p0")
            try await harness.send(outbreak.relations, run: "p0")
            try await harness.send([outbreak.indexPositive], run: "p1")
            try await harness.send(outbreak.secondGeneration, run: "p2")
            let events = try await harness.published()
            let index = try #require(try events.of(CaseOpened.self).first { $0.subjectRef == "sr-A" })
            let h1 = try #require(try events.of(ContactIdentified.self).first { $0.subjectRef == "sr-H1" })
            let chainId = try #require(try events.of(CaseLinked.self).first?.chainId)

            try await Self.application(harness).test(.router) { client in
                // No token, a wrong token: 401 with a challenge, no data.
                try await client.execute(uri: "/v1/cases/\(index.caseId)", method: .get) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                }
                try await client.execute(uri: "/v1/cases/\(index.caseId)", method: .get, headers: [.authorization: "Bearer nope"]) { response in
                    #expect(response.status == .unauthorized)
                    #expect(!String(buffer: response.body).contains("sr-"))
                }
                // The index case and its contacts, close first.
                try await client.execute(uri: "/v1/cases/\(index.caseId)", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    let body = try Self.json(response.body)
                    #expect(body["subjectRef"] as? String == "sr-A")
                    #expect(body["chainId"] as? String == chainId)
                    let contacts = try #require(body["contacts"] as? [[String: Any]])
                    let tiers = contacts.compactMap { $0["tier"] as? String }
                    #expect(tiers.first == "close" && tiers.contains("companion"))
                    #expect(tiers == tiers.sorted { ["close": 0, "secondary": 1, "companion": 2][$0]! < ["close": 0, "secondary": 1, "companion": 2][$1]! })
                    #expect(contacts.contains { $0["subjectRef"] as? String == "sr-H1" && $0["via"] as? String == "household" })
                }
                try await client.execute(uri: "/v1/cases/no-such-case", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .notFound)
                    #expect(String(buffer: response.body).contains("case.not_found"))
                }
                // The chain: four cases, three links from the index case.
                try await client.execute(uri: "/v1/chains/\(chainId)", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    let body = try Self.json(response.body)
                    #expect((body["cases"] as? [Any])?.count == 4)
                    let links = try #require(body["links"] as? [[String: Any]])
                    #expect(links.count == 3 && links.allSatisfy { $0["from"] as? String == index.caseId })
                }
                try await client.execute(uri: "/v1/chains/\(chainId)?format=dot", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/vnd.graphviz") == true)
                    let dot = String(buffer: response.body)
                    #expect(dot.hasPrefix("digraph "))
                    #expect(dot.components(separatedBy: " -> ").count == 4)
                    #expect(!dot.contains("sr-"), "no subject refs in the picture")
                }
                // The grid worker's list: every pending contact of the area, earliest deadline
                // first; all were identified today, so none is overdue yet and all are due by
                // the end of today or (identified late in the day) soon after.
                var listed: [String] = []
                try await client.execute(uri: "/v1/follow-ups?area=\(outbreak.area)", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    let items = try #require(try Self.json(response.body)["items"] as? [[String: Any]])
                    let contacts = items.compactMap { $0["contact"] as? [String: Any] }
                    listed = contacts.compactMap { $0["subjectRef"] as? String }
                    #expect(Set(listed) == Set(Outbreak.final.keys))
                    let deadlines = contacts.compactMap { $0["followUpDeadline"] as? String }
                    #expect(deadlines == deadlines.sorted())
                    #expect(items.allSatisfy { $0["overdue"] as? Bool == false })
                }
                try await client.execute(uri: "/v1/follow-ups", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("query.missing_area"))
                }
                try await client.execute(uri: "/v1/follow-ups?area=1&limit=0", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .badRequest)
                }
                // Found by the grid worker: off the list.
                try await client.execute(uri: "/v1/contacts/\(h1.contactId)/follow-up", method: .post, headers: Self.auth) { response in
                    #expect(response.status == .noContent)
                }
                try await client.execute(uri: "/v1/contacts/no-such-contact/follow-up", method: .post, headers: Self.auth) { response in
                    #expect(response.status == .notFound)
                }
                try await client.execute(uri: "/v1/follow-ups?area=\(outbreak.area)", method: .get, headers: Self.auth) { response in
                    let items = try #require(try Self.json(response.body)["items"] as? [[String: Any]])
                    let refs = items.compactMap { ($0["contact"] as? [String: Any])?["subjectRef"] as? String }
                    #expect(Set(refs) == Set(listed).subtracting(["sr-H1"]))
                }
            }
        }
    }

    @Test("maintenance drops check-in days past retention and keeps the rest")
    func retention() async throws {
        let outbreak = Outbreak()
        // Stored under the default 28-day retention, then maintained under a 3-day one.
        let policy = {
            var policy = TracingPolicy.default
            policy.retentionDays = 3
            return policy
        }()
        try await TracingHarness.run(label: "retention") { harness in
            // One check-in six days ago (past a 3-day retention), one today.
            let old = outbreak.checkIn("O", "venue-O", .restaurant, 1)
            let recent = CheckIn(venueId: "venue-O", venueKind: .restaurant, areaCode: outbreak.area, subjectRef: "sr-P",
                                 source: .placeCode, checkedInAt: Date().addingTimeInterval(-600), leftAt: nil)
            try await harness.send([old, recent], run: "r0")
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM checkins") == 2)
            let maintenance = RetentionMaintenance(database: harness.database, partitions: CheckInPartitions(database: harness.database),
                                                   policy: policy, interval: .seconds(3600), logger: harness.kafka.logger)
            let dropped = try await maintenance.runOnce(now: Date())
            #expect(dropped >= 1)
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM checkins") == 1)
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM checkins WHERE subject_ref = 'sr-P'") == 1)
            // Idempotent: a second pass (as another instance would run) drops nothing more.
            #expect(try await maintenance.runOnce(now: Date()) == 0)
            // Tomorrow's partition exists ahead of traffic.
            let tomorrow = CheckInPartitions.name(day: CheckInPartitions.day(of: Date()) + 1)
            #expect(try await harness.database.scalar("SELECT count(*)::int8 FROM pg_tables WHERE schemaname = current_schema() AND tablename = \(tomorrow)") == 1)
        }
    }
}
