@testable import FangyiTracing
import FangyiEvents
import Foundation
import Testing

@Suite("ChainGraph: a chain's cases and links")
struct ChainGraphTests {
    func record(_ caseId: String, source: String? = nil, via: ExposureRoute? = nil, venueId: String? = nil,
                recovered: Bool = false) -> CaseRecord {
        let opened = DomainFixture.at("2022-05-10T09:00:00+08:00")
        return CaseRecord(
            caseId: caseId, subjectRef: "subject-\(caseId)", classification: .confirmed, severity: .mild, areaCode: "110101",
            sampleCollectedAt: opened, reportedAt: opened, window: TimeSpan(start: opened.addingTimeInterval(-4 * 86_400), end: opened),
            positiveResultId: "r-\(caseId)", openedAt: opened, chainId: "chain-1", sourceCaseId: source, linkVia: via,
            linkVenueId: venueId, recoveredAt: recovered ? opened.addingTimeInterval(14 * 86_400) : nil)
    }

    @Test("every case is a node and each source case a link to it")
    func links() {
        let graph = ChainGraph(chainId: "chain-1", records: [
            record("a"), record("b", source: "a", via: .venue, venueId: "v1"), record("c", source: "b", via: .household),
        ])
        #expect(graph.cases.map(\.caseId) == ["a", "b", "c"])
        #expect(graph.links.map(\.from) == ["a", "b"])
        #expect(graph.links.map(\.to) == ["b", "c"])
        #expect(graph.links.map(\.via) == ["venue", "household"])
        #expect(graph.links.map(\.venueId) == ["v1", nil])
    }

    @Test("a link without a known setting says unknown")
    func unknownVia() {
        let graph = ChainGraph(chainId: "chain-1", records: [record("a"), record("b", source: "a")])
        #expect(graph.links.first?.via == "unknown")
    }

    @Test("nodes carry classification, severity, area and recovery")
    func nodes() {
        let graph = ChainGraph(chainId: "chain-1", records: [record("a", recovered: true), record("b")])
        #expect(graph.cases.first?.classification == "confirmed")
        #expect(graph.cases.first?.severity == "mild")
        #expect(graph.cases.first?.areaCode == "110101")
        #expect(graph.cases.map(\.recovered) == [true, false])
    }

    @Test("the DOT output is a digraph with one quoted edge per link")
    func dot() {
        let dot = ChainGraph(chainId: "chain-1", records: [record("a"), record("b", source: "a", via: .venue, venueId: "v1")]).dot
        #expect(dot.hasPrefix("digraph \"chain chain-1\" {"))
        #expect(dot.contains(#"  "a" -> "b" [label="venue v1"];"#))
        #expect(dot.hasSuffix("}\n"))
        #expect(dot.components(separatedBy: " -> ").count == 2)
    }

    @Test("recovered cases are drawn dashed")
    func dashed() {
        let dot = ChainGraph(chainId: "chain-1", records: [record("a", recovered: true), record("b")]).dot
        let lines = dot.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix(#"  "a" ["#) && $0.contains("style=dashed") })
        #expect(lines.contains { $0.hasPrefix(#"  "b" ["#) && !$0.contains("style=dashed") })
    }

    @Test("quotes and backslashes in ids are escaped")
    func escaping() {
        let dot = ChainGraph(chainId: #"x"y"#, records: [record(#"a"1"#), record(#"b\2"#, source: #"a"1"#)]).dot
        #expect(dot.contains(#"digraph "chain x\"y" {"#))
        #expect(dot.contains(#"  "a\"1" -> "b\\2""#))
        #expect(!dot.contains(#""a"1""#))
    }

    @Test("node labels break lines with DOT's \\n escape, not a literal backslash")
    func labelLineBreaks() {
        let dot = ChainGraph(chainId: "chain-1", records: [record("case-0001-abcdef")]).dot
        let expectedLabel = #"label="case-000\nconfirmed, mild\narea 110101""#
        #expect(dot.contains(expectedLabel))
        #expect(!dot.contains(#"\\n"#))
    }

    @Test("the JSON form carries the chain id, cases and links")
    func json() throws {
        let graph = ChainGraph(chainId: "chain-1", records: [record("a"), record("b", source: "a", via: .household)])
        let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(graph)) as? [String: Any]
        #expect(object?["chainId"] as? String == "chain-1")
        #expect((object?["cases"] as? [Any])?.count == 2)
        let links = object?["links"] as? [[String: Any]]
        #expect(links?.first?["from"] as? String == "a")
        #expect(links?.first?["to"] as? String == "b")
    }
}
