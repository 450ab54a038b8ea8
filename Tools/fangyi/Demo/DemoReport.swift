import FangyiService
import FangyiSimulation
import Foundation

/// The demo's self-contained HTML report: no scripts, no network, charts as inline SVG.
struct DemoReport {
    let settings: SimulationSettings
    let summary: SimulationSummary
    let transmissions: [Transmission]
    let readings: [DemoSnapshot]
    let findings: DemoObserver.Findings
    let sent: SimulationService.Totals
    let generated: Date

    /// Writes `index.html` into `directory` and returns its path.
    func write(to directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("index.html")
        try Data(html().utf8).write(to: file)
        return file
    }

    func html() -> String {
        let last = readings.last ?? DemoSnapshot()
        func n(_ value: Double) -> String { Int(value).formatted(.number) }
        func p(_ values: [Double], _ q: Double) -> String {
            values.isEmpty ? "–" : String(format: "%.1f s", percentile(values, q))
        }
        let latencyRows = [("contacts known (first contact published)", findings.contactsKnown),
                           ("unit assigned to the person", findings.unitAssigned),
                           ("person or a contact sent a message", findings.personNotified)].map { name, values in
            "<tr><td>\(name)</td><td>\(values.count) of \(findings.positives)</td><td>\(p(values, 0.5))</td><td>\(p(values, 0.99))</td></tr>"
        }.joined()
        let audiences = findings.alertsByAudience.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Fangyi demo report: \(settings.scenario.rawValue)</title>
            <style>
            body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 980px; color: #1b1f24; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; } td, th { padding: .25em .8em; border-bottom: 1px solid #eee; text-align: left; }
            .note { color: #57606a; } svg { background: #fafbfc; border: 1px solid #eee; }
            </style></head><body>
            <h1>Fangyi demo: \(settings.scenario.rawValue)</h1>
            <p class="note">Seed \(settings.seed), \(settings.population.formatted(.number)) residents, \(settings.days) simulated days;
            generated \(ISO8601DateFormatter().string(from: generated)). The simulated truth (infections, chains) is the simulator's;
            everything else is what the services published or reported.</p>
            <h2>In numbers</h2>
            <table>
            <tr><td>infections (simulated truth)</td><td>\(summary.infections) in \(summary.infectionsByChain.count) chains, \(summary.detected) detected</td></tr>
            <tr><td>check-ins and relations sent</td><td>\(sent.checkIns.formatted(.number)) check-ins, \(sent.relations.formatted(.number)) relations</td></tr>
            <tr><td>lab results sent / accepted by intake</td><td>\(sent.results.formatted(.number)) / \(sent.accepted.formatted(.number)) (\(sent.positives) positive)</td></tr>
            <tr><td>cases opened, clusters</td><td>\(n(last.cases)), \(n(last.clusters))</td></tr>
            <tr><td>contacts</td><td>close \(n(last.contacts["close"] ?? 0)), companion \(n(last.contacts["companion"] ?? 0)), secondary \(n(last.contacts["secondary"] ?? 0))</td></tr>
            <tr><td>beds / rooms occupied at the end</td><td>\(n(last.bedsOccupied)) of \(n(last.beds)) / \(n(last.roomsOccupied)) of \(n(last.rooms)); waitlist \(n(last.waitlist)); standby sites opened \(n(last.standbyActivations))</td></tr>
            <tr><td>alerts on alerts.v1</td><td>\(audiences.isEmpty ? "none" : audiences)</td></tr>
            <tr><td>public alerts naming a person</td><td>\(findings.publicAlertsNamingAPerson)</td></tr>
            </table>
            <h2>Epidemic curve</h2>
            <p class="note">Bars: new infections per simulated day (truth). Line: positive results per day.</p>
            \(epidemicCurve())
            <h2>From positive result to action</h2>
            <p class="note">Seconds from the positive result's record on lab.results.v1 to the first record of each step (Kafka timestamps).</p>
            <table><tr><th>step</th><th>positives with it</th><th>p50</th><th>p99</th></tr>\(latencyRows)</table>
            <h2>Contacts per case</h2>
            \(histogram(findings.contactsPerCase))
            <h2>Occupancy over time</h2>
            <p class="note">Units occupied by facility kind, and the waitlist, by wall-clock seconds of the run.</p>
            \(occupancy())
            <h2>Transmission chains</h2>
            <p class="note">Each dot an infection by simulated day (x), one band per chain; a line joins infector and infected; filled dots were detected.</p>
            \(chainGraph())
            </body></html>
            """
    }

    // MARK: Charts

    private func frame(width: Int, height: Int, _ body: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">\(body)</svg>"
    }

    private func epidemicCurve() -> String {
        let width = 900, height = 260, left = 40, bottom = 30
        let days = max(1, summary.infectionsPerDay.count)
        let top = max(1, (summary.infectionsPerDay + summary.positivesPerDay).max() ?? 1)
        let step = Double(width - left - 10) / Double(days)
        func y(_ value: Int) -> Double { Double(height - bottom) - Double(value) / Double(top) * Double(height - bottom - 10) }
        var body = ""
        for (day, count) in summary.infectionsPerDay.enumerated() {
            let x = Double(left) + Double(day) * step
            body += "<rect x=\"\(x + 1)\" y=\"\(y(count))\" width=\"\(max(1, step - 2))\" height=\"\(Double(height - bottom) - y(count))\" fill=\"#d1495b\"/>"
            body += "<text x=\"\(x + step / 2)\" y=\"\(height - 10)\" font-size=\"10\" text-anchor=\"middle\">\(day + 1)</text>"
        }
        let points = summary.positivesPerDay.enumerated().map { "\(Double(left) + (Double($0.offset) + 0.5) * step),\(y($0.element))" }.joined(separator: " ")
        body += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"#00798c\" stroke-width=\"2\"/>"
        body += "<text x=\"4\" y=\"14\" font-size=\"10\">\(top)</text><text x=\"4\" y=\"\(height - bottom)\" font-size=\"10\">0</text>"
        return frame(width: width, height: height, body)
    }

    private func histogram(_ counts: [Int]) -> String {
        guard !counts.isEmpty else { return "<p>No cases.</p>" }
        let width = 900, height = 200, left = 40, bottom = 30
        let edges = [0, 1, 5, 10, 20, 50, 100, 200, 500]
        let labels = edges.enumerated().map { index, low in index + 1 < edges.count ? "\(low)–\(edges[index + 1] - 1)" : "\(low)+" }
        var buckets = Array(repeating: 0, count: edges.count)
        for count in counts { buckets[(edges.lastIndex { $0 <= count }) ?? 0] += 1 }
        let top = max(1, buckets.max() ?? 1)
        let step = Double(width - left - 10) / Double(edges.count)
        var body = ""
        for (index, value) in buckets.enumerated() {
            let x = Double(left) + Double(index) * step
            let h = Double(value) / Double(top) * Double(height - bottom - 20)
            body += "<rect x=\"\(x + 4)\" y=\"\(Double(height - bottom) - h)\" width=\"\(step - 8)\" height=\"\(h)\" fill=\"#edae49\"/>"
            body += "<text x=\"\(x + step / 2)\" y=\"\(Double(height - bottom) - h - 4)\" font-size=\"10\" text-anchor=\"middle\">\(value)</text>"
            body += "<text x=\"\(x + step / 2)\" y=\"\(height - 10)\" font-size=\"10\" text-anchor=\"middle\">\(labels[index])</text>"
        }
        let mean = Double(counts.reduce(0, +)) / Double(counts.count)
        return frame(width: width, height: height, body)
            + "<p class=\"note\">\(counts.count) cases, \(String(format: "%.1f", mean)) contacts per case on average, at most \(counts.last ?? 0).</p>"
    }

    private func occupancy() -> String {
        guard readings.count > 1 else { return "<p>Not enough readings.</p>" }
        let width = 900, height = 240, left = 40, bottom = 30
        let end = max(1, readings.last?.elapsed ?? 1)
        let series: [(name: String, color: String, value: (DemoSnapshot) -> Double)] =
            zip(DemoSnapshot.facilityKinds, ["#d1495b", "#8d6a9f", "#2e4057", "#00798c"]).map { kind, color in
                (kind, color, { $0.occupiedByKind[kind] ?? 0 })
            } + [("waitlist", "#edae49", { $0.waitlist })]
        let top = max(1, readings.flatMap { reading in series.map { $0.value(reading) } }.max() ?? 1)
        var body = ""
        for (index, line) in series.enumerated() {
            let points = readings.map { r in
                "\(Double(left) + r.elapsed / end * Double(width - left - 10)),\(Double(height - bottom) - line.value(r) / top * Double(height - bottom - 10))"
            }.joined(separator: " ")
            body += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\"/>"
            body += "<text x=\"\(60 + index * 150)\" y=\"16\" font-size=\"11\" fill=\"\(line.color)\">\(line.name)</text>"
        }
        body += "<text x=\"4\" y=\"14\" font-size=\"10\">\(Int(top))</text><text x=\"\(width - 60)\" y=\"\(height - 10)\" font-size=\"10\">\(Int(end)) s</text>"
        let capacity = DemoSnapshot.facilityKinds.map { "\($0) \(Int(readings.last?.unitsByKind[$0] ?? 0))" }.joined(separator: ", ")
        return frame(width: width, height: height, body) + "<p class=\"note\">Units in service at the end: \(capacity).</p>"
    }

    private func chainGraph() -> String {
        let shown = Array(transmissions.prefix(600))
        guard !shown.isEmpty else { return "<p>No infections.</p>" }
        let chains = max(1, (shown.map(\.chain).max() ?? 0) + 1)
        var perChain = Array(repeating: 0, count: chains)
        var position: [Int32: (Double, Double)] = [:]
        let width = 900, band = 34, left = 60
        let days = max(1, settings.days)
        let height = chains * band + 20
        var nodes = "", edges = ""
        for infection in shown {
            let row = perChain[infection.chain]
            perChain[infection.chain] += 1
            let x = Double(left) + Double(max(0, infection.day + 1)) / Double(days + 1) * Double(width - left - 10)
            let y = Double(infection.chain * band + 14) + Double(row % 6) * 4
            position[infection.resident] = (x, y)
            if let from = position[infection.infector] {
                edges += "<line x1=\"\(from.0)\" y1=\"\(from.1)\" x2=\"\(x)\" y2=\"\(y)\" stroke=\"#8c959f\" stroke-width=\"1\"/>"
            }
            let fill = infection.detectedDay != nil ? "#d1495b" : "#fff"
            nodes += "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"3.5\" fill=\"\(fill)\" stroke=\"#d1495b\"/>"
        }
        let labels = (0..<chains).map { "<text x=\"4\" y=\"\($0 * band + 18)\" font-size=\"10\">chain \($0 + 1)</text>" }.joined()
        let note = transmissions.count > shown.count ? "<p class=\"note\">The first \(shown.count) of \(transmissions.count) infections.</p>" : ""
        return frame(width: width, height: height, labels + edges + nodes) + note
    }
}
