import FangyiService
import Foundation
import Hummingbird
import HummingbirdTesting
import Metrics
import Testing

@Suite("Health, metrics and problem details routes")
struct HealthRouterTests {
    struct ValidationFailure: ProblemDetailsConvertible {
        var problemDetails: ProblemDetails {
            ProblemDetails(status: .unprocessableContent, detail: "ct value out of range", code: "intake.invalid_ct", pointer: "/results/0/ct")
        }
    }

    struct Unexpected: Error {}

    func application(checks: [ReadinessCheck] = [], timeout: Duration = .seconds(3)) -> some ApplicationProtocol {
        let router = ServiceHTTP.makeRouter(health: HealthRoutes(readinessChecks: checks, checkTimeout: timeout))
        router.get("/problem") { _, _ -> String in
            throw ProblemDetails(
                status: .serviceUnavailable,
                detail: "broker unavailable",
                code: "intake.broker_unavailable",
                headers: [.retryAfter: "5"]
            )
        }
        router.get("/convertible") { _, _ -> String in throw ValidationFailure() }
        router.get("/crash") { _, _ -> String in throw Unexpected() }
        router.get("/http-error") { _, _ -> String in throw HTTPError(.badRequest, message: "bad input") }
        return ServiceHTTP.makeApplication(router: router, host: "127.0.0.1", port: 0, serverName: "fangyi-test", logger: testLogger)
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))
        return object as? [String: Any] ?? [:]
    }

    @Test func liveAlwaysAnswers() async throws {
        try await self.application().test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"live"}"#)
            }
        }
    }

    @Test func readyWhenAllChecksPass() async throws {
        let checks = [
            ReadinessCheck(name: "database") { true },
            ReadinessCheck(name: "kafka") { true },
        ]
        try await self.application(checks: checks).test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(String(buffer: response.body) == #"{"checks":{"database":{"status":"ok"},"kafka":{"status":"ok"}},"status":"ready"}"#)
            }
        }
    }

    @Test func notReadyNamesEachFailingCheck() async throws {
        struct BrokerDown: Error, CustomStringConvertible {
            var description: String { "no broker reachable" }
        }
        let checks = [
            ReadinessCheck(name: "database") { true },
            ReadinessCheck(name: "partitions") { false },
            ReadinessCheck(name: "kafka") { throw BrokerDown() },
            ReadinessCheck(name: "slow") {
                try await Task.sleep(for: .seconds(60))
                return true
            },
        ]
        try await self.application(checks: checks, timeout: .milliseconds(200)).test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try self.json(response)
                #expect(body["status"] as? String == "not_ready")
                let results = body["checks"] as? [String: [String: String]] ?? [:]
                #expect(results["database"] == ["status": "ok"])
                #expect(results["partitions"] == ["status": "failing", "error": "check returned false"])
                #expect(results["kafka"] == ["status": "failing", "error": "no broker reachable"])
                #expect(results["slow"]?["error"]?.hasPrefix("timed out after") == true)
            }
        }
    }

    @Test func metricsExposesTheProcessRegistry() async throws {
        MetricsSystemBootstrap.bootstrap()
        MetricsSystemBootstrap.bootstrap()  // idempotent
        Counter(label: "fangyi_health_route_test_total").increment(by: 3)
        try await self.application().test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains("# TYPE fangyi_health_route_test_total counter"))
                #expect(text.contains("fangyi_health_route_test_total 3"))
            }
        }
    }

    @Test func thrownProblemDetailsBecomeProblemJSON() async throws {
        try await self.application().test(.router) { client in
            try await client.execute(uri: "/problem", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.retryAfter] == "5")
                let body = try self.json(response)
                #expect(body["type"] as? String == "about:blank")
                #expect(body["title"] as? String == "Service Unavailable")
                #expect(body["status"] as? Int == 503)
                #expect(body["detail"] as? String == "broker unavailable")
                #expect(body["code"] as? String == "intake.broker_unavailable")
                #expect(body["instance"] as? String == "/problem")
            }
            try await client.execute(uri: "/convertible", method: .get) { response in
                #expect(response.status == .unprocessableContent)
                let body = try self.json(response)
                #expect(body["pointer"] as? String == "/results/0/ct")
                #expect(body["code"] as? String == "intake.invalid_ct")
            }
        }
    }

    @Test func otherErrorsBecomeProblemJSONToo() async throws {
        try await self.application().test(.router) { client in
            try await client.execute(uri: "/no/such/route", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = try self.json(response)
                #expect(body["status"] as? Int == 404)
            }
            try await client.execute(uri: "/http-error", method: .get) { response in
                #expect(response.status == .badRequest)
                let body = try self.json(response)
                #expect(body["detail"] as? String == "bad input")
            }
            try await client.execute(uri: "/crash", method: .get) { response in
                #expect(response.status == .internalServerError)
                let body = try self.json(response)
                #expect(body["code"] as? String == "http.internal_error")
                #expect(String(buffer: response.body).contains("Unexpected") == false)
            }
        }
    }

    @Test func problemDetailsRoundTripsThroughJSON() throws {
        let problem = ProblemDetails(status: .badRequest, detail: "d", code: "c", pointer: "/p", instance: "/i")
        let decoded = try JSONDecoder().decode(ProblemDetails.self, from: JSONEncoder().encode(problem))
        #expect(decoded == problem)
        #expect(decoded.status == .badRequest)
    }
}
