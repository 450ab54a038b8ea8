import FangyiEvents
import Foundation

/// A transmission chain as a graph: its cases and who infected whom, rendered as
/// JSON for programs or Graphviz DOT for people (`dot -Tsvg`).
struct ChainGraph: Encodable {
    struct Node: Encodable {
        let caseId: String
        let classification: String
        let severity: String
        let areaCode: String
        let openedAt: Date
        let recovered: Bool
    }
    struct Link: Encodable {
        let from: String
        let to: String
        let via: String
        let venueId: String?
    }
    let chainId: String
    let cases: [Node]
    let links: [Link]

    init(chainId: String, records: [CaseRecord]) {
        self.chainId = chainId
        cases = records.map {
            Node(caseId: $0.caseId, classification: $0.classification.rawValue, severity: $0.severity.rawValue,
                 areaCode: $0.areaCode, openedAt: $0.openedAt, recovered: $0.recoveredAt != nil)
        }
        links = records.compactMap { record in
            record.sourceCaseId.map { Link(from: $0, to: record.caseId, via: record.linkVia?.rawValue ?? "unknown", venueId: record.linkVenueId) }
        }
    }

    /// Graphviz DOT. Identifiers are quoted and escaped; labels carry no personal data
    /// (case ids, classification, area, setting).
    var dot: String {
        func quoted(_ text: String) -> String {
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"" + escaped.replacingOccurrences(of: "\n", with: "\\n") + "\""
        }
        var lines = ["digraph \(quoted("chain " + chainId)) {", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\"];"]
        for node in cases {
            let label = "\(node.caseId.prefix(8))\n\(node.classification), \(node.severity)\narea \(node.areaCode)"
            let style = node.recovered ? ", style=dashed" : ""
            lines.append("  \(quoted(node.caseId)) [label=\(quoted(label))\(style)];")
        }
        for link in links {
            let label = link.venueId.map { "\(link.via) \($0)" } ?? link.via
            lines.append("  \(quoted(link.from)) -> \(quoted(link.to)) [label=\(quoted(label))];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
