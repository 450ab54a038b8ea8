import Foundation
public import Hummingbird
public import Prometheus

/// The operational endpoints every Fangyi service serves:
///
/// - `GET /health/live`: 200 `{"status":"live"}` whenever the process can answer.
/// - `GET /health/ready`: runs the ``ReadinessCheck``s concurrently, each under
///   ``checkTimeout``; 200 with a ``ReadinessReport`` when all pass, else 503
///   with the same body naming the failing ones.
/// - `GET /metrics`: the Prometheus text exposition of ``registry``.
///
/// Concurrency: a `Sendable` value; the registered handlers may run concurrently.
public struct HealthRoutes: Sendable {
    /// The checks `/health/ready` runs.
    public var readinessChecks: [ReadinessCheck]
    /// Time limit for each check; a check that exceeds it fails. Default 3 s,
    /// below the usual 5 s probe timeout of orchestrators.
    public var checkTimeout: Duration
    /// The registry `/metrics` renders. Default ``MetricsSystemBootstrap/registry``.
    public var registry: PrometheusCollectorRegistry

    /// Creates the routes; see the properties for defaults.
    public init(
        readinessChecks: [ReadinessCheck] = [],
        checkTimeout: Duration = .seconds(3),
        registry: PrometheusCollectorRegistry = MetricsSystemBootstrap.registry
    ) {
        self.readinessChecks = readinessChecks
        self.checkTimeout = checkTimeout
        self.registry = registry
    }

    /// Adds `/health/live`, `/health/ready` and `/metrics` to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/health/live") { _, _ in
            Self.jsonResponse(status: .ok, body: #"{"status":"live"}"#.utf8)
        }
        router.get("/health/ready") { _, context in
            let report = await self.readiness()
            if !report.isReady {
                context.logger.warning(
                    "not ready",
                    metadata: ["health.failing": "\(report.checks.filter { !$0.value.isOK }.keys.sorted())"]
                )
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let body = try encoder.encode(report)
            return Self.jsonResponse(status: report.isReady ? .ok : .serviceUnavailable, body: body)
        }
        let registry = self.registry
        router.get("/metrics") { _, _ in
            let buffer = ByteBuffer(bytes: registry.emitToBuffer())
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: buffer)
            )
        }
    }

    /// Runs every readiness check concurrently and collects the results.
    public func readiness() async -> ReadinessReport {
        let timeout = self.checkTimeout
        let results = await withTaskGroup(of: (String, ReadinessReport.CheckResult).self) { group in
            for check in self.readinessChecks {
                group.addTask {
                    do {
                        let passed = try await withDeadline(timeout) { try await check.check() }
                        return (check.name, passed ? .ok : .init(status: "failing", error: "check returned false"))
                    } catch let error as DeadlineExceededError {
                        return (check.name, .init(status: "failing", error: "timed out after \(error.timeout)"))
                    } catch {
                        return (check.name, .init(status: "failing", error: String(describing: error)))
                    }
                }
            }
            var results: [String: ReadinessReport.CheckResult] = [:]
            for await (name, result) in group {
                results[name] = result
            }
            return results
        }
        return ReadinessReport(checks: results)
    }

    private static func jsonResponse(status: HTTPResponse.Status, body: some Sequence<UInt8>) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
