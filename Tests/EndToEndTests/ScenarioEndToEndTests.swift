import FangyiService
import FangyiTesting
import Foundation
import PostgresNIO
import Testing

/// `fangyi demo` with a small surge scenario: the development broker, the four services as
/// separate processes and the simulator, reconciled from the run's `reconciliation.json` and
/// the services' own tables.
@Suite("End to end: a scenario through the four services as processes", .serialized)
struct ScenarioEndToEndTests {
    @Test("every accepted result reaches tracing, every positive is a case, every close contact is placed or waitlisted, no public alert names a person")
    func reconciles() async throws {
        try await runScenario(kill: nil)
    }

    @Test("the same holds with tracing SIGKILLed and restarted mid-scenario")
    func reconcilesAcrossAKill() async throws {
        try await runScenario(kill: "tracing@2")
    }

    private func runScenario(kill: String?) async throws {
        let tracing = try await TestDatabase.start(), allocator = try await TestDatabase.start(), notifier = try await TestDatabase.start()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("fangyi-e2e-\(UUID().uuidString.prefix(8))", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: state) }
        // Four ports in a range no other suite uses (the others bind port 0).
        let basePort = 21_000 + Int.random(in: 0..<1_000) * 4
        var arguments = ["demo", "--scenario", "surge", "--population", "4000", "--days", "5", "--day-seconds", "1",
                         "--state-directory", state.path, "--base-port", String(basePort),
                         "--bootstrap-file", state.appendingPathComponent("bootstrap").path, "--brokers", "1"]
        if let kill { arguments += ["--kill", kill] }
        let demo = try await ProcessRunner.start(
            executableURL: try ProcessRunner.executableURL(named: "fangyi"), arguments: arguments,
            environment: [
                TestDatabase.urlVariable: ProcessInfo.processInfo.environment[TestDatabase.urlVariable] ?? TestDatabase.fallbackURL,
                "TRACING_SCHEMA": tracing.schema, "ALLOCATOR_SCHEMA": allocator.schema, "NOTIFIER_SCHEMA": notifier.schema,
                "LOG_LEVEL": "info", "KAFKA_STATISTICS_INTERVAL_MS": "1000",
                // A killed member's partitions move after this long (the default is 45 s).
                "KAFKA_SESSION_TIMEOUT_MS": "6000",
            ])
        let status = await demo.waitForExit()
        #expect(status == 0, "fangyi demo exited with \(status): \(demo.standardError.suffix(3_000))")

        let data = try Data(contentsOf: state.appendingPathComponent("report/reconciliation.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "reconciliation.json is an object")
        func number(_ key: String) -> Int { (report[key] as? NSNumber)?.intValue ?? -1 }
        #expect(number("resultsSent") > 0)
        #expect(number("resultsAccepted") == number("resultsSent"), "intake accepted every result the labs sent")
        #expect(number("labResultEvents") == number("resultsAccepted"), "every accepted result is on lab.results.v1 once")
        #expect(number("positives") > 0, "the scenario has positives")
        #expect(number("positivesWithoutCase") == 0, "every positive person is a case")
        #expect(number("closeContacts") > 0)
        #expect(number("closeContactsWithoutAllocation") == 0, "every close contact has a unit or a waitlist place")
        #expect(number("publicAlerts") > 0)
        #expect(number("publicAlertsNamingAPerson") == 0)
        #expect(number("publicAlertsWithPersonalData") == 0)
        #expect(number("undecodableRecords") == 0)
        let latency = report["latencySeconds"] as? [String: [String: Double]]
        #expect((latency?["personNotified"]?["count"] ?? 0) > 0, "the positive-to-notification latency was measured")
        #expect((latency?["contactsKnown"]?["count"] ?? 0) > 0)
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("report/index.html").path))

        // Tracing consumed every result: its inbox holds each lab.results.v1 event once.
        let consumed = try await tracing.database.scalar("SELECT count(DISTINCT event_id)::int FROM fangyi_inbox WHERE topic = 'lab.results.v1'")
        #expect(consumed == number("labResultEvents"), "tracing's inbox has every result")

        try await tracing.cleanup()
        try await allocator.cleanup()
        try await notifier.cleanup()
    }
}
