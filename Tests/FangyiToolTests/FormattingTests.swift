import Foundation
import Testing
@testable import fangyi

@Suite("fangyi CLI formatting")
struct FormattingTests {
    @Test("JSON is re-indented with key order and number digits kept exactly")
    func prettyJSON() throws {
        let input = #"{"b":{"ct":34.90,"n":1e3},"a":[],"s":"a \"q\" {x}, [y]: z","o":{},"l":[1, 2]}"#
        let output = try #require(JSONPrettyPrinter.format(Array(input.utf8)))
        #expect(output == """
            {
              "b": {
                "ct": 34.90,
                "n": 1e3
              },
              "a": [],
              "s": "a \\"q\\" {x}, [y]: z",
              "o": {},
              "l": [
                1,
                2
              ]
            }
            """)
    }

    @Test("text that is not JSON is not formatted")
    func notJSON() {
        #expect(JSONPrettyPrinter.format(Array("MSH|^~\\&|LAB".utf8)) == nil)
        #expect(JSONPrettyPrinter.format(Array(#"{"a":"#.utf8)) == nil)
    }

    @Test("a table aligns columns, continues multi-line cells and leaves no trailing blanks")
    func table() {
        let lines = TextTable(header: ["NAME", "N", "TYPES"], rows: [["alpha", "12", "x\ny"], ["b", "3", ""]]).lines()
        #expect(lines == [
            "NAME   N   TYPES",
            "alpha  12  x",
            "           y",
            "b      3",
        ])
    }

    @Test("help text wraps at the width and keeps its indentation")
    func wrap() {
        let lines = ToolEnvironment.wrap("one two three four five six", indent: 4, width: 18)
        #expect(lines == ["    one two three", "    four five six"])
        #expect(lines.allSatisfy { $0.count <= 18 })
        #expect(ToolEnvironment.wrap("averyveryverylongword x", indent: 2, width: 10) == ["  averyveryverylongword", "  x"])
    }

    @Test("lines are cut across chunk boundaries, CRLF included, and the last partial line is kept")
    func lineSplitter() {
        let splitter = LineSplitter()
        #expect(splitter.append(Data("par".utf8)) == [])
        #expect(splitter.append(Data("tial\r\nnext\nla".utf8)) == ["partial", "next"])
        #expect(splitter.append(Data("st".utf8)) == [])
        #expect(splitter.finish() == "last")
        #expect(splitter.finish() == nil)
    }

    @Test("retention is shown in its largest whole unit")
    func retention() {
        #expect(TopicsListCommand.describe(.seconds(28 * 86_400)) == "28d")
        #expect(TopicsListCommand.describe(.seconds(7_200)) == "2h")
        #expect(TopicsListCommand.describe(.seconds(90)) == "90s")
    }
}
