import AsyncHTTPClient
import FangyiEvents
import FangyiKafka
import FangyiService
import FangyiSimulation
import Foundation
import Logging
import ServiceLifecycle

/// The demo's scenario run: once the broker is up and every service answers `/health/ready`,
/// plays the simulation into the suite under a live console, waits for the services to catch
/// up (consumer lag 0), writes the HTML report and returns, which ends the demo. Ctrl-C stops
/// the simulation after the current day; the report is still written.
final class DemoScenario: Service, Sendable {
    let settings: SimulationSettings
    let dayDuration: Duration
    let broker: DevBroker
    let services: [DemoServiceDefinition]
    let reportDirectory: URL
    let logDirectory: URL
    let logger: Logger
    /// A service to SIGKILL and restart when the simulation reaches a day, and the supervisor that can.
    let chaos: (service: String, day: Int)?
    let supervisor: ServiceSupervisor?

    init(settings: SimulationSettings, dayDuration: Duration, broker: DevBroker, services: [DemoServiceDefinition],
         reportDirectory: URL, logDirectory: URL, logger: Logger, chaos: (service: String, day: Int)? = nil, supervisor: ServiceSupervisor? = nil) {
        self.chaos = chaos
        self.supervisor = supervisor
        self.settings = settings
        self.dayDuration = dayDuration
        self.broker = broker
        self.services = services
        self.reportDirectory = reportDirectory
        self.logDirectory = logDirectory
        self.logger = logger
    }

    func run() async throws {
        let servers = try await broker.bootstrapServers()
        let environment = ProcessInfo.processInfo.environment
        var kafka = KafkaConfiguration.fromEnvironment(environment, defaultBootstrapServers: servers)
        kafka.bootstrapServers = servers
        kafka.clientID = "fangyi-demo"
        kafka.statisticsInterval = nil
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka, linger: .milliseconds(5)), logger: logger)
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(kafka: kafka, groupID: "fangyi-demo-observer-\(UUID().uuidString.prefix(8).lowercased())",
                                                      autoOffsetReset: "earliest"),
            topics: DemoObserver.topics, logger: logger)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let observer = DemoObserver(consumer: consumer)
        let monitor = DemoMonitor(client: client, services: services, title: "Fangyi demo: \(settings.scenario.rawValue)",
                                  exited: { [supervisor] in supervisor?.exited() ?? [] })
        monitor.progress.withLock { $0 = (0, settings.days) }
        let subjectKey = DemoCommand.key(EnvironmentVariable.subjectKey.name)?.value ?? ""
        let simulation = SimulationService(
            settings: settings, city: SimulatedCity(settings: settings), calendar: SimulatedCalendar(days: settings.days, now: Date()),
            producer: producer, client: client, intakeURL: "http://127.0.0.1:\(services.first { $0.name == "intake" }?.httpPort ?? 8081)",
            subjectRefs: try SubjectRefGenerator(base64Key: subjectKey), daySeconds: dayDuration, logger: logger, verbose: false,
            onDay: { [chaos, supervisor] day in
                monitor.progress.withLock { $0.day = day }
                if let chaos, chaos.day == day, let supervisor {
                    Console.out("demo: SIGKILL \(chaos.service) after day \(day), then start it again")
                    Task { await supervisor.killAndRestart(chaos.service) }
                }
            })
        let driver = Driver(scenario: self, simulation: simulation, monitor: monitor, observer: observer, client: client)
        var configuration = ServiceGroupConfiguration(
            services: ([producer, observer, monitor, driver] as [any Service]).map {
                ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .gracefullyShutdownGroup)
            },
            logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(30)
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// Waits for the services, runs the simulation, lets the suite settle, writes the report.
    private struct Driver: Service {
        let scenario: DemoScenario
        let simulation: SimulationService
        let monitor: DemoMonitor
        let observer: DemoObserver
        let client: HTTPClient

        func run() async throws {
            Console.out("demo: waiting for every service to be ready (logs in \(scenario.logDirectory.path))")
            guard try await waitForReadiness() else { return }
            try await simulation.run()
            if !Task.isShuttingDownGracefully { await settle() }
            guard let result = simulation.result else { return }
            // One reading for the report and the reconciliation (the observer is still consuming).
            let findings = observer.findings
            let report = DemoReport(settings: scenario.settings, summary: result.summary, transmissions: result.transmissions,
                                    readings: monitor.readings, findings: findings, sent: simulation.sent, generated: Date())
            let file = try report.write(to: scenario.reportDirectory)
            try reconciliation(findings, result: result).write(to: scenario.reportDirectory.appendingPathComponent("reconciliation.json"))
            Console.out("demo: \(result.summary.infections) infections, \(findings.positives) positive results, "
                        + "\(findings.contactsPerCase.count) cases with \(findings.contactsPerCase.reduce(0, +)) contacts; "
                        + "public alerts naming a person: \(findings.publicAlertsNamingAPerson)")
            Console.out("demo: report written to \(file.path)")
        }

        /// The checks a run must pass, as JSON: every accepted result on lab.results.v1, every
        /// positive a case, every close contact assigned or waitlisted, no public alert naming or
        /// describing a person (subject refs, resident IDs, mobile numbers, the infected residents'
        /// names), and the latencies from a positive result.
        private func reconciliation(_ findings: DemoObserver.Findings, result: (summary: SimulationSummary, transmissions: [Transmission])) throws -> Data {
            let city = simulation.city
            let names = Set(result.transmissions.map { city.contact(Int($0.resident)).name })
            let personal = try Regex(#"1[3-9][0-9]{9}|[0-9]{17}[0-9X]"#)
            let leaking = findings.publicAlertTexts.filter { text in
                text.contains(personal) || names.contains { text.contains($0) }
            }.count
            func quantiles(_ values: [Double]) -> [String: Double] {
                ["count": Double(values.count), "p50": percentile(values, 0.5), "p99": percentile(values, 0.99)]
            }
            let sent = simulation.sent
            let object: [String: Any] = [
                "scenario": scenario.settings.scenario.rawValue, "seed": scenario.settings.seed, "population": scenario.settings.population,
                "days": scenario.settings.days, "killed": scenario.chaos.map { "\($0.service)@\($0.day)" } ?? NSNull(),
                "infections": result.summary.infections, "resultsSent": sent.results, "resultsAccepted": sent.accepted,
                "labResultEvents": findings.labResults, "positives": findings.positives, "positivesWithoutCase": findings.positivesWithoutCase,
                "cases": findings.contactsPerCase.count, "closeContacts": findings.closeContacts,
                "closeContactsWithoutAllocation": findings.closeContactsWithoutAllocation,
                "publicAlerts": findings.publicAlertTexts.count, "publicAlertsNamingAPerson": findings.publicAlertsNamingAPerson,
                "publicAlertsWithPersonalData": leaking, "undecodableRecords": findings.undecodable,
                "latencySeconds": ["contactsKnown": quantiles(findings.contactsKnown), "unitAssigned": quantiles(findings.unitAssigned),
                                   "personNotified": quantiles(findings.personNotified)],
            ]
            return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        }

        /// True once every service answers 200 on `/health/ready` (within three minutes).
        private func waitForReadiness() async throws -> Bool {
            let deadline = ContinuousClock.now.advanced(by: .seconds(180))
            while !Task.isShuttingDownGracefully {
                // A service that exited would leave its port to whatever else answers there.
                if let dead = scenario.supervisor?.exited().first {
                    throw ToolError(code: "demo.service_exited",
                                    message: "\(dead.name) exited with status \(dead.status) before it was ready (a port already in use? an old demo still running?); see its log",
                                    context: ["log": scenario.logDirectory.appendingPathComponent("\(dead.name).log").path])
                }
                let waiting = await notReady()
                if waiting.isEmpty { return true }
                if ContinuousClock.now > deadline {
                    Console.err("demo: \(waiting.joined(separator: ", ")) not ready after 3 minutes; see the logs in \(scenario.logDirectory.path)")
                    return false
                }
                try? await Task.sleep(for: .seconds(1))
            }
            return false
        }

        /// The services not answering 200 on `/health/ready` (a consumer is ready once it has partitions).
        private func notReady() async -> [String] {
            var waiting: [String] = []
            for service in scenario.services {
                let url = "http://127.0.0.1:\(service.httpPort)/health/ready"
                if (try? await client.execute(HTTPClientRequest(url: url), timeout: .seconds(2)))?.status != .ok { waiting.append(service.name) }
            }
            return waiting
        }

        /// Waits until every service is ready (a restarted consumer has its partitions back) and
        /// the consumers have no lag, in two readings five seconds apart (at most three minutes).
        private func settle() async {
            let deadline = ContinuousClock.now.advanced(by: .seconds(180))
            var calm = 0
            while calm < 2, ContinuousClock.now < deadline, !Task.isShuttingDownGracefully {
                try? await Task.sleep(for: .seconds(5))
                let ready = await notReady().isEmpty
                let reading = await monitor.read()
                calm = ready && reading.lag.values.allSatisfy { $0 == 0 } ? calm + 1 : 0
            }
        }
    }
}
