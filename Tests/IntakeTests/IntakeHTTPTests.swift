import FangyiEvents
import FangyiIntake
import FangyiKafka
import FangyiService
import FangyiTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Intake HTTP API")
struct IntakeHTTPTests {
    static func json(_ response: TestResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))
        return object as? [String: Any] ?? [:]
    }

    static func code(_ response: TestResponse) -> String? {
        (try? json(response))?["code"] as? String
    }

    static func items(_ response: TestResponse) throws -> [[String: Any]] {
        try json(response)["items"] as? [[String: Any]] ?? []
    }

    static func headers(token: String = TestLabs.tokenA, type: String = "application/json") -> HTTPFields {
        [.authorization: "Bearer \(token)", .contentType: type]
    }

    @Test("a 10,000-item batch is accepted item by item, each written once to lab.results.v1 keyed by subject ref")
    func largeBatch() async throws {
        try await IntakeHarness.run { intake in
            let run = UUID().uuidString.prefix(8)
            let items = (0..<10_000).map { Samples.jsonResult(specimen: "B\(run)-\($0)", nationalID: TestLabs.nationalID($0)) }
            let eventIDs = try await intake.application().test(.router) { client in
                try await client.execute(uri: "/v1/results", method: .post, headers: Self.headers(),
                                         body: ByteBuffer(string: Samples.batch(items))) { response in
                    #expect(response.status == .ok)
                    let body = try Self.json(response)
                    #expect(body["accepted"] as? Int == 10_000)
                    return try Self.items(response).compactMap { $0["eventId"] as? String }
                }
            }
            #expect(Set(eventIDs).count == 10_000)
            let records = try await intake.records(on: TopicCatalog.labResults.name, group: "large-batch") { $0.count >= 10_000 }
            let ids = Set(records.compactMap { $0.headers.first { $0.key == "ce_id" }?.stringValue })
            #expect(Set(eventIDs).isSubset(of: ids))
            let keys = Set(records.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } })
            #expect(keys.allSatisfy(SubjectRefGenerator.isSubjectRef))
            #expect(keys.count == 10_000, "one subject ref per person")
        }
    }

    @Test("one bad item does not spoil the batch; every item gets its own outcome and code")
    func mixedBatch() async throws {
        try await IntakeHarness.run { intake in
            let items = [
                Samples.jsonResult(specimen: "M-0"),
                Samples.jsonResult(specimen: "M-1", orf1ab: 75),
                #"{"specimenId": 12}"#,
                #""not an object""#,
                Samples.jsonResult(specimen: "M-4", extra: #","collectedAt":"yesterday""#).replacingOccurrences(of: #""collectedAt":"2022-03-14T08:30:00+08:00","#, with: ""),
                Samples.jsonResult(specimen: "M-5", extra: #","labId":"lab-b""#),
                Samples.jsonResult(specimen: "M-6'; DROP TABLE results; --"),
                Samples.jsonResult(specimen: "M-7", nationalID: "123"),
            ]
            try await intake.application().test(.router) { client in
                try await client.execute(uri: "/v1/results", method: .post, headers: Self.headers(),
                                         body: ByteBuffer(string: Samples.batch(items))) { response in
                    #expect(response.status == .ok)
                    let outcomes = try Self.items(response)
                    #expect(outcomes.count == items.count)
                    let codes = outcomes.map { ($0["problem"] as? [String: Any])?["code"] as? String ?? ($0["outcome"] as? String ?? "") }
                    #expect(codes == ["accepted", "ct.out_of_range", "json.type", "json.type", "datetime.invalid",
                                      "lab.mismatch", "specimen_id.invalid", "national_id.invalid_length"])
                    let pointers = outcomes.map { ($0["problem"] as? [String: Any])?["pointer"] as? String }
                    #expect(pointers[1] == "/results/1/targets/0/ct")
                    #expect(pointers[2] == "/results/2/specimenId")
                    #expect(pointers[4] == "/results/4/collectedAt")
                }
                // The service is still up and answers the next request.
                try await client.execute(uri: "/v1/results", method: .post, headers: Self.headers(),
                                         body: ByteBuffer(string: Samples.jsonResult(specimen: "M-after"))) { response in
                    #expect(response.status == .ok)
                }
            }
        }
    }

    @Test("bad requests: 400 unreadable, 401 no or unknown token, 403 another lab, 413 too large, 422 all rejected, 429 rate")
    func requestErrors() async throws {
        try await IntakeHarness.run(maxBodyBytes: 64 * 1024) { intake in
            try await intake.application().test(.router) { client in
                for junk in ["{", "<xml>not json</xml>", "", "[1,2,3]", String(repeating: "[", count: 5000)] {
                    try await client.execute(uri: "/v1/results", method: .post, headers: Self.headers(), body: ByteBuffer(string: junk)) { response in
                        #expect(response.status == .badRequest, "\(junk.prefix(20))")
                        #expect(Self.code(response) == "json.invalid")
                    }
                }
                try await client.execute(uri: "/v1/results", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: Samples.jsonResult(specimen: "X"))) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] != nil)
                }
                try await client.execute(uri: "/v1/results", method: .post, headers: Self.headers(token: "wrong"),
                                         body: ByteBuffer(string: Samples.jsonResult(specimen: "X"))) { response in
                    #expect(response.status == .unauthorized)
                    #expect(Self.code(response) == "auth.invalid")
                }
                try await client.execute(uri: "/v1/results", method: .post, headers: Self.headers(),
                                         body: ByteBuffer(string: Samples.jsonResult(specimen: "X", extra: #","labId":"lab-b""#))) { response in
                    #expect(response.status == .forbidden)
                    #expect(Self.code(response) == "lab.mismatch")
                }
                let big = Samples.batch((0..<400).map { Samples.jsonResult(specimen: "BIG-\($0)") })
                try await client.execute(uri: "/v1/results", method: .post, headers: Self.headers(), body: ByteBuffer(string: big)) { response in
                    #expect(response.status == .contentTooLarge)
                    #expect(Self.code(response) == "body.too_large")
                }
                try await client.execute(uri: "/v1/results", method: .post, headers: Self.headers(),
                                         body: ByteBuffer(string: Samples.jsonResult(specimen: "X", orf1ab: 99))) { response in
                    #expect(response.status == .unprocessableContent)
                }
                // Lab B may send 2 requests a second with a burst of 200 (the configured default).
                // The bucket refills while the requests are sent (2 a second), so the test sends
                // until refused instead of a fixed count that a slow, loaded machine can spread
                // over enough seconds never to be refused.
                var statuses: [HTTPResponse.Status] = []
                while statuses.count < 1_000, statuses.last != .tooManyRequests {
                    statuses.append(try await client.execute(uri: "/v1/results", method: .post, headers: Self.headers(token: TestLabs.tokenB),
                                                             body: ByteBuffer(string: "{")) { response in
                        if response.status == .tooManyRequests { #expect(response.headers[.retryAfter] != nil) }
                        return response.status
                    })
                }
                #expect(statuses.contains(.tooManyRequests))
                #expect(statuses.prefix(200).allSatisfy { $0 == .badRequest })
            }
        }
    }

    @Test("broker down: 503 with Retry-After and nothing reported accepted; broker back: the retry succeeds with the same event ids")
    func brokerOutage() async throws {
        try await IntakeHarness.run(publishTimeout: .seconds(2)) { intake in
            guard let mock = intake.kafka.mock else { return }  // needs the mock to take brokers down
            let batch = Samples.batch((0..<5).map { Samples.jsonResult(specimen: "OUT-\($0)") })
            // Warm up: the producer knows the partition leaders.
            try await intake.application().test(.router) { client in
                try await client.execute(uri: "/v1/results", method: .post, headers: Self.headers(),
                                         body: ByteBuffer(string: Samples.jsonResult(specimen: "WARM"))) { #expect($0.status == .ok) }
                for broker in mock.brokerIDs { try mock.setBrokerDown(broker) }
                try await client.execute(uri: "/v1/results", method: .post, headers: Self.headers(), body: ByteBuffer(string: batch)) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] != nil)
                    let body = try Self.json(response)
                    #expect(body["accepted"] as? Int == 0)
                    #expect(body["unavailable"] as? Int == 5)
                }
                for broker in mock.brokerIDs { try mock.setBrokerUp(broker) }
                var ids: [String] = []
                for _ in 0..<30 where ids.isEmpty {
                    // Each attempt is bounded by the 2 s publish timeout; the loop bounds the whole wait.
                    ids = try await client.execute(uri: "/v1/results", method: .post, headers: Self.headers(), body: ByteBuffer(string: batch)) { response in
                        response.status == .ok ? try Self.items(response).compactMap { $0["eventId"] as? String } : []
                    }
                }
                let expected = (0..<5).map { index in
                    EventID.string(EventID.derive(LabResultRecorded.self, from: ["lab-a", "OUT-\(index)", "v1"]))
                }
                #expect(ids == expected)
            }
        }
    }

    @Test("no national ID, name or phone in plain text on Kafka or in the logs")
    func noPersonalDataLeaks() async throws {
        try await IntakeHarness.run { intake in
            let id = "371502198506123456", phone = "13712345678"
            let items = [
                Samples.jsonResult(specimen: "PII-1", nationalID: id).replacingOccurrences(of: "13800138000", with: phone),
                Samples.jsonResult(specimen: "PII-2", nationalID: id, orf1ab: 99).replacingOccurrences(of: "13800138000", with: phone),
                Samples.jsonResult(specimen: "PII-3", nationalID: "37150219850612345X").replacingOccurrences(of: "13800138000", with: phone),
            ]
            try await intake.application().test(.router) { client in
                try await client.execute(uri: "/v1/results", method: .post, headers: Self.headers(), body: ByteBuffer(string: Samples.batch(items))) { response in
                    #expect(response.status == .ok)
                    #expect(!String(buffer: response.body).contains(id), "the answer names items by specimen, not by person")
                }
            }
            let records = try await intake.records(on: TopicCatalog.labResults.name, group: "pii") { $0.count >= 1 }
            #expect(!records.isEmpty)
            for record in records {
                var bytes = (record.key ?? []) + (record.value ?? [])
                for header in record.headers { bytes += Array(header.key.utf8) + (header.value ?? []) }
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(!text.contains(id) && !text.contains(phone) && !text.contains("张三"))
                #expect(!text.contains("37150219850612345"))
            }
            let logs = intake.logs.all.joined(separator: "\n")
            #expect(!logs.contains(id) && !logs.contains(phone) && !logs.contains("37150219850612345"))
        }
    }

    @Test("the served OpenAPI document describes exactly the served routes")
    func openAPIMatchesRoutes() async throws {
        try await IntakeHarness.run { intake in
            try await intake.application().test(.router) { client in
                try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                    #expect(response.status == .ok)
                    let documented = OpenAPIDocument.operations(in: String(buffer: response.body))
                    let served = Set(IntakeAPI.routes.map { "\($0.method.rawValue) \($0.path)" })
                    #expect(documented == served)
                }
                // Every documented route is really served (an unauthenticated POST gets 401, not 404).
                for route in IntakeAPI.routes where route.method == .post {
                    try await client.execute(uri: route.path, method: .post, body: ByteBuffer(string: "{}")) { response in
                        #expect(response.status == .unauthorized, "\(route.path)")
                    }
                }
            }
        }
    }

    @Test("HL7 v2, FHIR and CSV through HTTP: accepted items are published, the HL7 answer is one ACK per message")
    func otherFormats() async throws {
        try await IntakeHarness.run { intake in
            let hl7 = [
                "MSH|^~\\&|LIS|lab-a|FANGYI|FANGYI|20220314140000+0800||ORU^R01^ORU_R01|MSG-1|P|2.5.1",
                "PID|1||\(TestLabs.nationalIDs[1])^^^CHN^NNCHN||Zhang^San",
                "OBR|1||H-1|94500-6^SARS-CoV-2 RNA^LN|||20220314083000+0800",
                "OBX|1|CWE|94500-6^SARS-CoV-2 RNA^LN||260373001^Detected^SCT||||||F",
                "OBX|2|NM|94511-3^ORF1ab Ct^LN||24.5|{Ct}|||||F",
                "OBX|3|NM|94509-7^N gene Ct^LN||25.1|{Ct}|||||F",
                "SPM|1|H-1||258529004^Throat swab^SCT",
                "MSH|^~\\&|LIS|lab-a|FANGYI|FANGYI|20220314140000+0800||ADT^A01|MSG-2|P|2.5.1",
                "PID|1||\(TestLabs.nationalIDs[1])^^^CHN^NNCHN",
            ].joined(separator: "\r")
            let csv = "specimen_id,national_id,test_code,result,orf1ab_ct,n_ct,specimen_type,collected_at,reported_at\n"
                + "C-1,\(TestLabs.nationalIDs[2]),94500-6,,36.5,,258529004,2022-03-14 08:30,2022-03-14 14:00\n"
                + "C-2,\(TestLabs.nationalIDs[2]),94500-6,,abc,,258529004,2022-03-14 08:30,2022-03-14 14:00\n"
            let fhir = """
                {"resourceType":"Bundle","type":"collection","entry":[
                {"fullUrl":"urn:uuid:p1","resource":{"resourceType":"Patient","identifier":[{"system":"urn:oid:2.16.156.10011.1.1","value":"\(TestLabs.nationalIDs[0])"}]}},
                {"fullUrl":"urn:uuid:s1","resource":{"resourceType":"Specimen","identifier":[{"value":"F-1"}],"type":{"coding":[{"system":"http://snomed.info/sct","code":"258529004"}]},"collection":{"collectedDateTime":"2022-03-14T08:30:00+08:00"}}},
                {"fullUrl":"urn:uuid:o1","resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"94500-6"}]},"subject":{"reference":"urn:uuid:p1"},"specimen":{"reference":"urn:uuid:s1"},"issued":"2022-03-14T14:00:00+08:00","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"260415000"}]}}}]}
                """
            try await intake.application().test(.router) { client in
                try await client.execute(uri: "/v1/results/hl7v2", method: .post, headers: Self.headers(type: "x-application/hl7-v2+er7"),
                                         body: ByteBuffer(string: hl7)) { response in
                    #expect(response.status == .ok)
                    let acks = String(buffer: response.body)
                    #expect(acks.components(separatedBy: "MSH|").count - 1 == 2, "\(acks)")
                    #expect(acks.contains("MSA|AA|MSG-1"), "\(acks)")
                    #expect(acks.contains("MSA|AR|MSG-2"), "\(acks)")
                }
                try await client.execute(uri: "/v1/results/csv", method: .post, headers: Self.headers(type: "text/csv"),
                                         body: ByteBuffer(string: csv)) { response in
                    #expect(response.status == .ok)
                    let outcomes = try Self.items(response)
                    #expect(outcomes.map { $0["outcome"] as? String } == ["accepted", "rejected"])
                    #expect((outcomes[1]["problem"] as? [String: Any])?["pointer"] as? String == "row 3, column orf1ab_ct")
                }
                try await client.execute(uri: "/v1/results/fhir", method: .post, headers: Self.headers(type: "application/fhir+json"),
                                         body: ByteBuffer(string: fhir)) { response in
                    #expect(response.status == .ok)
                    let outcomes = try Self.items(response).map { $0["outcome"] as? String }
                    #expect(outcomes == ["accepted"])
                }
            }
            let records = try await intake.records(on: TopicCatalog.labResults.name, group: "formats") { $0.count >= 3 }
            let events = try records.map { try EventEnvelope(headers: $0.headers.map { ($0.key, $0.value) }, value: $0.value ?? []).decode(LabResultRecorded.self) }
            #expect(Set(events.map(\.specimenId)) == ["H-1", "C-1", "F-1"])
            #expect(events.first { $0.specimenId == "H-1" }?.interpretation == .positive)
            #expect(events.first { $0.specimenId == "C-1" }?.interpretation == .inconclusive)
            #expect(events.first { $0.specimenId == "F-1" }?.interpretation == .negative)
        }
    }

    @Test("the README documents every variable fangyi-intake reads")
    func readmeDocumentsVariables() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../README.md").standardizedFileURL, encoding: .utf8)
        for variable in IntakeConfiguration.variables where !variable.name.hasPrefix("DATABASE") {
            let name = variable.name.replacingOccurrences(of: "<PROPERTY>", with: "")
            #expect(readme.contains("`\(name)"), "\(variable.name) is not in the README")
        }
    }
}
