import AsyncHTTPClient
import FangyiService
import Foundation
import NIOCore
import ServiceLifecycle
import Synchronization

/// One reading of the suite, from the services' `/metrics`.
struct DemoSnapshot: Sendable {
    var elapsed: Double = 0
    var day = 0
    var resultsAccepted = 0.0
    var resultsRejected = 0.0
    var cases = 0.0
    var clusters = 0.0
    var contacts: [String: Double] = [:]
    var bedsOccupied = 0.0
    var beds = 0.0
    var roomsOccupied = 0.0
    var rooms = 0.0
    /// Occupied units and all units by facility kind.
    var occupiedByKind: [String: Double] = [:]
    var unitsByKind: [String: Double] = [:]
    var waitlist = 0.0
    var standbyActivations = 0.0
    var alerts = 0.0
    var lag: [String: Double] = [:]
    var reachable: [String: Bool] = [:]

    static let facilityKinds = ["designatedHospital", "fangcang", "yellowCodeHospital", "quarantineSite"]
}

/// Reads every service's metrics every two seconds, keeps the readings for the report, and
/// shows them: redrawn in place on a terminal, a line every ten seconds otherwise.
///
/// Concurrency: `Sendable`; readings behind a mutex.
final class DemoMonitor: Service, Sendable {
    let client: HTTPClient
    let services: [DemoServiceDefinition]
    let title: String
    /// The services whose process has exited, with its status (shown on the console).
    let exited: @Sendable () -> [(name: String, status: Int32)]
    /// The simulated day and the number of days (set by the simulation as it goes).
    let progress = Mutex((day: 0, days: 1))
    private let samples = Mutex([DemoSnapshot]())
    private let interactive = isatty(STDOUT_FILENO) == 1

    init(client: HTTPClient, services: [DemoServiceDefinition], title: String,
         exited: @escaping @Sendable () -> [(name: String, status: Int32)] = { [] }) {
        self.exited = exited
        self.client = client
        self.services = services
        self.title = title
    }

    /// Every reading so far.
    var readings: [DemoSnapshot] { samples.withLock { $0 } }

    func run() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        var drawn = 0
        var lastLine = clock.now.advanced(by: .seconds(-10))
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var snapshot = await read()
            snapshot.elapsed = (clock.now - started).seconds
            samples.withLock { $0.append(snapshot) }
            let lines = render(snapshot)
            if interactive {
                // Move up over the previous drawing and redraw it line by line.
                var text = drawn > 0 ? "\u{1B}[\(drawn)A" : ""
                for line in lines { text += "\u{1B}[2K" + line + "\n" }
                FileHandle.standardOutput.write(Data(text.utf8))
                drawn = lines.count
            } else if clock.now - lastLine >= .seconds(10) {
                Console.out(lines.dropFirst().joined(separator: " |").replacingOccurrences(of: "  ", with: " "))
                lastLine = clock.now
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(2)) }
        }
    }


    /// Reads the four services once.
    func read() async -> DemoSnapshot {
        var snapshot = DemoSnapshot()
        snapshot.day = progress.withLock { $0.day }
        for service in services {
            guard let metrics = await fetch(port: service.httpPort) else {
                snapshot.reachable[service.name] = false
                continue
            }
            snapshot.reachable[service.name] = true
            snapshot.lag[service.name] = metrics.sum("fangyi_kafka_consumer_lag")
            switch service.name {
            case "intake":
                snapshot.resultsAccepted = metrics.sum("fangyi_intake_results_total", where: ["outcome": "accepted"])
                snapshot.resultsRejected = metrics.sum("fangyi_intake_results_total", where: ["outcome": "rejected"])
            case "tracing":
                snapshot.cases = metrics.sum("fangyi_tracing_cases_opened_total")
                snapshot.clusters = metrics.sum("fangyi_tracing_clusters_detected_total")
                for tier in ["close", "companion", "secondary"] {
                    snapshot.contacts[tier] = metrics.sum("fangyi_tracing_contacts_total", where: ["tier": tier, "change": "created"])
                }
            case "allocator":
                for kind in DemoSnapshot.facilityKinds where kind != "quarantineSite" {
                    snapshot.bedsOccupied += metrics.sum("fangyi_allocator_units", where: ["kind": kind, "state": "occupied"])
                    snapshot.beds += metrics.sum("fangyi_allocator_units", where: ["kind": kind])
                }
                for kind in DemoSnapshot.facilityKinds {
                    snapshot.occupiedByKind[kind] = metrics.sum("fangyi_allocator_units", where: ["kind": kind, "state": "occupied"])
                    snapshot.unitsByKind[kind] = metrics.sum("fangyi_allocator_units", where: ["kind": kind])
                }
                snapshot.roomsOccupied = metrics.sum("fangyi_allocator_units", where: ["kind": "quarantineSite", "state": "occupied"])
                snapshot.rooms = metrics.sum("fangyi_allocator_units", where: ["kind": "quarantineSite"])
                snapshot.waitlist = metrics.sum("fangyi_allocator_waitlist")
                snapshot.standbyActivations = metrics.sum("fangyi_allocator_standby_activations_total")
            case "notifier":
                snapshot.alerts = metrics.sum("fangyi_notifier_alerts_issued_total")
            default:
                break
            }
        }
        return snapshot
    }

    private func fetch(port: Int) async -> PrometheusText? {
        do {
            let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(2))
            guard response.status == .ok else { return nil }
            return PrometheusText(String(buffer: try await response.body.collect(upTo: 8 << 20)))
        } catch {
            return nil
        }
    }

    /// The console block for `s`.
    func render(_ s: DemoSnapshot) -> [String] {
        let (day, days) = progress.withLock { $0 }
        func n(_ value: Double) -> String { Int(value).formatted(.number) }
        func bar(_ part: Double, _ whole: Double, width: Int = 20) -> String {
            let filled = whole > 0 ? min(width, Int((part / whole * Double(width)).rounded())) : 0
            return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "]"
        }
        let down = services.filter { s.reachable[$0.name] == false }.map(\.name)
            + exited().map { "\($0.name) (exited \($0.status))" }
        return [
            "\(title)  day \(min(day, days))/\(days) \(bar(Double(min(day, days)), Double(days)))  \(Int(s.elapsed)) s"
                + (down.isEmpty ? "" : "  not answering: \(down.joined(separator: ", "))"),
            "  results in      \(n(s.resultsAccepted)) accepted, \(n(s.resultsRejected)) rejected",
            "  cases           \(n(s.cases))   clusters \(n(s.clusters))",
            "  contacts        close \(n(s.contacts["close"] ?? 0))   companion \(n(s.contacts["companion"] ?? 0))   secondary \(n(s.contacts["secondary"] ?? 0))",
            "  beds            \(bar(s.bedsOccupied, s.beds)) \(n(s.bedsOccupied)) / \(n(s.beds)) occupied",
            "  rooms           \(bar(s.roomsOccupied, s.rooms)) \(n(s.roomsOccupied)) / \(n(s.rooms)) occupied   waitlist \(n(s.waitlist))   standby opened \(n(s.standbyActivations))",
            "  alerts          \(n(s.alerts))",
            "  consumer lag    " + services.filter { $0.name != "intake" }.map { "\($0.name) \(n(s.lag[$0.name] ?? 0))" }.joined(separator: "   "),
        ]
    }
}

/// A Prometheus text exposition, parsed enough to sum samples by name and labels.
struct PrometheusText: Sendable {
    private var samples: [(name: String, labels: [String: String], value: Double)] = []

    init(_ text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                samples.append((String(series), [:], value))
                continue
            }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: brace)...].dropLast().split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { labels[String(parts[0])] = String(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))) }
            }
            samples.append((String(series[..<brace]), labels, value))
        }
    }

    /// The sum of the samples named `name` whose labels include `labels`.
    func sum(_ name: String, where labels: [String: String] = [:]) -> Double {
        samples.filter { sample in sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value } }
            .map(\.value).reduce(0, +)
    }
}
