import FangyiEvents
import FangyiIntake
import FangyiTesting
import Foundation
import Testing

private func submission(_ text: String) throws -> JSONResultReader.Submission {
    try JSONResultReader().read(Array(text.utf8))
}

/// The problem `read` throws for `body`, or nil when it reads.
private func thrown(_ body: [UInt8]) -> IntakeProblem? {
    do {
        _ = try JSONResultReader().read(body)
        return nil
    } catch {
        return error
    }
}

private func thrown(_ text: String) -> IntakeProblem? {
    thrown(Array(text.utf8))
}

/// The one item of a single-result body, read.
private func single(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> SubmittedResult {
    let items = try submission(text).items
    guard items.count == 1, case .read(let result) = items[0] else {
        Issue.record("expected one readable item, got \(items)", sourceLocation: sourceLocation)
        return SubmittedResult(pointer: "?")
    }
    return result
}

/// The problem and specimen id of the one item of a single-result body, when unreadable.
private func unreadable(_ text: String) throws -> (problem: IntakeProblem, specimenId: String?)? {
    let items = try submission(text).items
    guard items.count == 1, case .unreadable(let problem, let specimenId) = items[0] else { return nil }
    return (problem, specimenId)
}

private func utc(_ text: String) -> Date {
    ISO8601DateFormatter().date(from: text) ?? .distantPast
}

private let fullItem = """
    {"labId":"lab-a","specimenId":"S-1","status":"Corrected","version":3,"testCode":"94500-6","result":"260373001",
     "specimenType":"258529004","collectedAt":"2022-03-14T08:30:00+08:00","reportedAt":"2022-03-14T14:00:00Z",
     "poolId":"P-9","retestOfPoolId":"P-8",
     "targets":[{"target":"ORF1ab","ct":31.5},{"target":"N","ct":null},{"ct":33,"target":"E","note":"ok"}],
     "person":{"nationalId":"11010519491231002X","identifier":"MRN-7","assigningAuthority":"Hospital 1",
               "name":"张三","phone":"13800138000","address":"Dongchang Rd 1","areaCode":"371502"},
     "poolMembers":[{"specimenId":"S-1a","person":{"nationalId":"110105194912310021","name":"李四"}},{"person":null},{}]}
    """

@Suite("JSON result reader")
struct JSONResultReaderTests {
    // MARK: - Fields

    @Test("reads every field of a single result, with JSON pointers")
    func everyField() throws {
        let result = try single(fullItem)
        #expect(result.pointer == "")
        #expect(result.labId == Located("lab-a", at: "/labId"))
        #expect(result.specimenId == Located("S-1", at: "/specimenId"))
        #expect(result.status == Located(.corrected, at: "/status"))
        #expect(result.version == Located(3, at: "/version"))
        #expect(result.testCode == Located("94500-6", at: "/testCode"))
        #expect(result.qualitativeResult == Located("260373001", at: "/result"))
        #expect(result.specimenType == Located("258529004", at: "/specimenType"))
        #expect(result.collectedAt == Located(utc("2022-03-14T00:30:00Z"), at: "/collectedAt"))
        #expect(result.reportedAt == Located(utc("2022-03-14T14:00:00Z"), at: "/reportedAt"))
        #expect(result.poolId == Located("P-9", at: "/poolId"))
        #expect(result.retestOfPoolId == Located("P-8", at: "/retestOfPoolId"))
        #expect(result.targets == [
            SubmittedTarget(name: Located("ORF1ab", at: "/targets/0/target"), ct: Located(31.5, at: "/targets/0/ct")),
            SubmittedTarget(name: Located("N", at: "/targets/1/target"), ct: nil),
            SubmittedTarget(name: Located("E", at: "/targets/2/target"), ct: Located(33, at: "/targets/2/ct")),
        ])
        #expect(result.person.nationalId == Located("11010519491231002X", at: "/person/nationalId"))
        #expect(result.person.identifier == Located("MRN-7", at: "/person/identifier"))
        #expect(result.person.assigningAuthority == Located("Hospital 1", at: "/person/assigningAuthority"))
        #expect(result.person.name == "张三")
        #expect(result.person.phone == "13800138000")
        #expect(result.person.address == "Dongchang Rd 1")
        #expect(result.person.areaCode == Located("371502", at: "/person/areaCode"))
        #expect(result.poolMembers.count == 3)
        #expect(result.poolMembers[0].specimenId == Located("S-1a", at: "/poolMembers/0/specimenId"))
        #expect(result.poolMembers[0].person.nationalId == Located("110105194912310021", at: "/poolMembers/0/person/nationalId"))
        #expect(result.poolMembers[0].person.name == "李四")
        #expect(result.poolMembers[1] == SubmittedPoolMember(specimenId: nil, person: SubmittedPerson()))
        #expect(result.poolMembers[2] == SubmittedPoolMember(specimenId: nil, person: SubmittedPerson()))
    }

    @Test("a batch gives every item its own pointer and keeps the submission id as sent")
    func batch() throws {
        let read = try submission(#"{"results":[{"specimenId":"A"},"# + fullItem + #"], "submissionId":" sub-1 "}"#)
        #expect(read.submissionId == " sub-1 ")
        #expect(read.items.count == 2)
        guard case .read(let first) = read.items[0], case .read(let second) = read.items[1] else {
            Issue.record("expected two readable items: \(read.items)")
            return
        }
        #expect(first.pointer == "/results/0")
        #expect(first.specimenId == Located("A", at: "/results/0/specimenId"))
        #expect(second.pointer == "/results/1")
        #expect(second.collectedAt?.pointer == "/results/1/collectedAt")
        #expect(second.targets.map(\.name.pointer) == ["/results/1/targets/0/target", "/results/1/targets/1/target", "/results/1/targets/2/target"])
        #expect(second.person.areaCode?.pointer == "/results/1/person/areaCode")
        #expect(second.poolMembers[0].person.nationalId?.pointer == "/results/1/poolMembers/0/person/nationalId")
        #expect(try submission(#"{"results":[]}"#).items.isEmpty)
        // A single result may carry a submission id too; anything but a string means none.
        #expect(try submission(#"{"submissionId":"s","specimenId":"A"}"#).submissionId == "s")
        #expect(try submission(#"{"submissionId":7,"results":[]}"#).submissionId == nil)
        #expect(try submission(#"{"submissionId":null,"results":[]}"#).submissionId == nil)
    }

    @Test("text is trimmed (Unicode whitespace too); empty text and null mean absent",
          arguments: ["labId", "specimenId", "testCode", "result", "specimenType", "poolId", "retestOfPoolId"])
    func trimming(field: String) throws {
        func value(_ json: String) throws -> String? {
            let result = try single("{\"\(field)\":\(json)}")
            let located: Located<String>? = switch field {
            case "labId": result.labId
            case "specimenId": result.specimenId
            case "testCode": result.testCode
            case "result": result.qualitativeResult
            case "specimenType": result.specimenType
            case "poolId": result.poolId
            default: result.retestOfPoolId
            }
            if let located { #expect(located.pointer == "/\(field)") }
            return located?.value
        }
        #expect(try value(#"" x-1 ""#) == "x-1")
        #expect(try value(#""\t\r\n x y \n""#) == "x y")
        #expect(try value(#""\u3000全角\u00a0\u2028""#) == "全角")
        #expect(try value(#""\u200bz\u0085""#) == "z")
        #expect(try value(#""e\u0301""#) == "e\u{301}")
        #expect(try value(#""""#) == nil)
        #expect(try value(#""   ""#) == nil)
        #expect(try value(#"" \u3000 ""#) == nil)
        #expect(try value("null") == nil)
    }

    @Test("target names, pool member ids and person fields are trimmed too; an empty target name is missing")
    func nestedTrimming() throws {
        let result = try single(#"{"targets":[{"target":" N ","ct":30}],"poolMembers":[{"specimenId":" m "},{"specimenId":""}],"person":{"name":"  ","phone":" 1 "}}"#)
        #expect(result.targets.first?.name == Located("N", at: "/targets/0/target"))
        #expect(result.poolMembers.map(\.specimenId) == [Located("m", at: "/poolMembers/0/specimenId"), nil])
        #expect(result.person.name == nil)
        #expect(result.person.phone == "1")
        let missing = try unreadable(#"{"targets":[{"target":"  ","ct":30}]}"#)
        #expect(missing?.problem.code == "target.missing")
        #expect(missing?.problem.pointer == "/targets/0/target")
    }

    @Test("status is case-insensitive; another word is status.unknown")
    func status() throws {
        #expect(try single(#"{"status":"FINAL"}"#).status?.value == .final)
        #expect(try single(#"{"status":" cancelled "}"#).status?.value == .cancelled)
        let unknown = try unreadable(#"{"status":"done","specimenId":"S"}"#)
        #expect(unknown?.problem == IntakeProblem(code: "status.unknown", message: "status must be final, corrected or cancelled", pointer: "/status"))
        #expect(unknown?.specimenId == "S")
    }

    @Test("version is an integer that fits Int; whole numbers written as fractions count")
    func version() throws {
        for (json, expected) in [("0", 0), ("-0", 0), ("1.0", 1), ("1e2", 100), ("100e-2", 1), ("-3", -3),
                                 ("9223372036854775807", Int.max), ("-9223372036854775808", Int.min)] {
            #expect(try single("{\"version\":\(json)}").version == Located(expected, at: "/version"), "\(json)")
        }
        for json in ["1.5", "2.5e0", "9223372036854775808", "-9223372036854775809", String(repeating: "9", count: 400),
                     "1e400", "\"2\"", "true", "[1]", "{}"] {
            let problem = try unreadable("{\"version\":\(json)}")?.problem
            #expect(problem?.code == "json.type", "\(json)")
            #expect(problem?.pointer == "/version")
        }
        #expect(try single(#"{"version":null}"#).version == nil)
    }

    @Test("ct is any finite number")
    func ct() throws {
        for (json, expected) in [("36", 36.0), ("36.25", 36.25), ("4.2e1", 42), ("-0.0", -0.0), ("1E-5", 0.00001),
                                 ("12345678901234567890", 12_345_678_901_234_567_890.0), ("0.1", 0.1),
                                 ("3.14159265358979323846", 3.14159265358979323846)] {
            #expect(try single("{\"targets\":[{\"target\":\"N\",\"ct\":\(json)}]}").targets.first?.ct?.value == expected, "\(json)")
        }
        for json in ["1e400", "-1e400", "1e-400", String(repeating: "9", count: 400), "\"36\"", "true", "[]"] {
            let problem = try unreadable("{\"targets\":[{\"target\":\"N\",\"ct\":\(json)}]}")?.problem
            #expect(problem?.code == "json.type", "\(json)")
            #expect(problem?.pointer == "/targets/0/ct")
        }
    }

    @Test("dates are RFC 3339 with an offset; anything else is datetime.invalid")
    func dates() throws {
        #expect(try single(#"{"reportedAt":" 2022-03-14T08:30:00.250+08:00 "}"#).reportedAt?.value == utc("2022-03-14T00:30:00Z").addingTimeInterval(0.25))
        for json in [#""2022-03-14""#, #""yesterday""#, #""2022-03-14T08:30:00""#] {
            let problem = try unreadable("{\"collectedAt\":\(json)}")?.problem
            #expect(problem?.code == "datetime.invalid", "\(json)")
            #expect(problem?.pointer == "/collectedAt")
        }
        #expect(try unreadable(#"{"collectedAt":20220314}"#)?.problem.code == "json.type")
    }

    // MARK: - Wrong types

    @Test("a value of the wrong type makes the item unreadable, naming the field and pointing at it", arguments: [
        (#"{"labId":1}"#, "/labId", "labId must be a string"),
        (#"{"specimenId":12}"#, "/specimenId", "specimenId must be a string"),
        (#"{"status":true}"#, "/status", "status must be a string"),
        (#"{"testCode":["94500-6"]}"#, "/testCode", "testCode must be a string"),
        (#"{"result":{"code":"x"}}"#, "/result", "result must be a string"),
        (#"{"specimenType":0}"#, "/specimenType", "specimenType must be a string"),
        (#"{"reportedAt":false}"#, "/reportedAt", "reportedAt must be a string"),
        (#"{"poolId":1.5}"#, "/poolId", "poolId must be a string"),
        (#"{"retestOfPoolId":[]}"#, "/retestOfPoolId", "retestOfPoolId must be a string"),
        (#"{"version":"1"}"#, "/version", "version must be an integer"),
        (#"{"targets":{"target":"N"}}"#, "/targets", "targets must be an array of {target, ct}"),
        (#"{"targets":"N"}"#, "/targets", "targets must be an array of {target, ct}"),
        (#"{"targets":[{"target":"N"},"E"]}"#, "/targets/1", "each target must be an object {target, ct}"),
        (#"{"targets":[null]}"#, "/targets/0", "each target must be an object {target, ct}"),
        (#"{"targets":[{"target":5}]}"#, "/targets/0/target", "target must be a string"),
        (#"{"targets":[{"target":"N","ct":"30"}]}"#, "/targets/0/ct", "ct must be a number"),
        (#"{"person":"张三"}"#, "/person", "person must be an object"),
        (#"{"person":{"nationalId":110105194912310021}}"#, "/person/nationalId", "nationalId must be a string"),
        (#"{"person":{"identifier":1}}"#, "/person/identifier", "identifier must be a string"),
        (#"{"person":{"assigningAuthority":1}}"#, "/person/assigningAuthority", "assigningAuthority must be a string"),
        (#"{"person":{"name":["张","三"]}}"#, "/person/name", "name must be a string"),
        (#"{"person":{"phone":13800138000}}"#, "/person/phone", "phone must be a string"),
        (#"{"person":{"address":{}}}"#, "/person/address", "address must be a string"),
        (#"{"person":{"areaCode":371502}}"#, "/person/areaCode", "areaCode must be a string"),
        (#"{"poolMembers":{}}"#, "/poolMembers", "poolMembers must be an array of {specimenId, person}"),
        (#"{"poolMembers":[{},[]]}"#, "/poolMembers/1", "each pool member must be an object {specimenId, person}"),
        (#"{"poolMembers":[{"specimenId":1}]}"#, "/poolMembers/0/specimenId", "specimenId must be a string"),
        (#"{"poolMembers":[{"person":"x"}]}"#, "/poolMembers/0/person", "person must be an object"),
        (#"{"poolMembers":[{},{"person":{"nationalId":1}}]}"#, "/poolMembers/1/person/nationalId", "nationalId must be a string"),
        (#"{"targets":[{"ct":30}]}"#, "/targets/0/target", "each target needs its name (ORF1ab, N, E, RdRP)"),
        (#"{"targets":[{"target":null}]}"#, "/targets/0/target", "each target needs its name (ORF1ab, N, E, RdRP)"),
    ])
    func wrongType(body: String, pointer: String, message: String) throws {
        let expectedCode = message.hasPrefix("each target needs") ? "target.missing" : "json.type"
        let alone = try unreadable(body)
        #expect(alone?.problem == IntakeProblem(code: expectedCode, message: message, pointer: pointer))
        // The same item in a batch: the pointer gains the item's place.
        let batch = try submission(#"{"results":[{},"# + body + "]}").items
        guard batch.count == 2, case .unreadable(let problem, _) = batch[1] else {
            Issue.record("expected the second item unreadable: \(batch)")
            return
        }
        #expect(problem.pointer == "/results/1" + pointer)
        #expect(problem.code == expectedCode)
    }

    @Test("the first problem in field order wins, whatever order the fields come in; the specimen id is kept")
    func firstProblemWins() throws {
        let late = try unreadable(#"{"targets":[{"ct":1}],"person":{"name":1},"collectedAt":"x","status":"bogus","specimenId":"S-7"}"#)
        #expect(late?.problem.code == "status.unknown")
        #expect(late?.specimenId == "S-7")
        let type = try unreadable(#"{"targets":[{"ct":1},{"target":"N","ct":"x"}]}"#)
        #expect(type?.problem.pointer == "/targets/1/ct", "a type error in targets outranks a missing name")
        let first = try unreadable(#"{"person":{"phone":1,"name":2}}"#)
        #expect(first?.problem.pointer == "/person/phone", "within an object, the first in the document")
        let noId = try unreadable(#"{"specimenId":5,"labId":6}"#)
        #expect(noId?.problem.pointer == "/labId")
        #expect(noId?.specimenId == nil)
    }

    @Test("of a repeated member the first counts, as with Foundation's JSONDecoder")
    func duplicates() throws {
        #expect(try single(#"{"specimenId":"A","specimenId":"B"}"#).specimenId?.value == "A")
        #expect(try single(#"{"specimenId":"A","specimenId":5}"#).specimenId?.value == "A")
        #expect(try unreadable(#"{"specimenId":5,"specimenId":"B"}"#)?.problem.code == "json.type")
        #expect(try single(#"{"person":{"name":"A","name":"B"}}"#).person.name == "A")
        #expect(try submission(#"{"results":[{}],"results":5}"#).items.count == 1)
        #expect(try submission(#"{"submissionId":"a","submissionId":"b","results":[]}"#).submissionId == "a")
    }

    @Test("unknown members are skipped whatever they hold; escaped names match known ones")
    func unknownMembers() throws {
        let result = try single(#"""
            {"x":{"a":[1,2,{"b":[[],{}]}],"c":null},"specimenId":"S","y":[true,false,null,-1.5e-3,"\u4e2d"],
             "person":{"extra":{"deep":[{"x":1}]},"name":"N"},"targets":[{"target":"N","z":{"ct":"no"}}],
             "sp\u0065cimenType":"escaped","z":"}"}
            """#)
        #expect(result.specimenId?.value == "S")
        #expect(result.person.name == "N")
        #expect(result.targets.count == 1)
        #expect(result.specimenType?.value == "escaped")
        #expect(try single(#"{"SpecimenId":"S"}"#).specimenId == nil, "names are case-sensitive")
    }

    // MARK: - Batches

    @Test("an element of results that is not an object is unreadable; the rest go on")
    func nonObjectElements() throws {
        let items = try submission(#"{"results":["x",{"specimenId":"A"},null,3,[],{"specimenId":5}]}"#).items
        #expect(items.count == 6)
        for index in [0, 2, 3, 4] {
            #expect(items[index] == .unreadable(IntakeProblem(code: "json.type", message: "a result must be a JSON object",
                                                              pointer: "/results/\(index)"), specimenId: nil))
        }
        guard case .read(let read) = items[1] else {
            Issue.record("item 1 should read")
            return
        }
        #expect(read.specimenId?.value == "A")
        guard case .unreadable(let problem, _) = items[5] else {
            Issue.record("item 5 should be unreadable")
            return
        }
        #expect(problem.pointer == "/results/5/specimenId")
    }

    @Test("results that is not an array fails the body at /results")
    func resultsNotArray() {
        for json in ["null", "{}", #""x""#, "1"] {
            #expect(thrown(#"{"results":\#(json)}"#) == IntakeProblem(code: "json.type", message: "results must be an array", pointer: "/results"))
        }
        #expect(thrown(#"{"results":{},"x":[}"#)?.code == "json.invalid", "invalid JSON outranks the shape")
    }

    @Test("at most maxItems results")
    func tooMany() throws {
        func body(_ count: Int) -> String { #"{"results":["# + Array(repeating: "{}", count: count).joined(separator: ",") + "]}" }
        #expect(try submission(body(JSONResultReader.maxItems)).items.count == JSONResultReader.maxItems)
        let problem = thrown(body(JSONResultReader.maxItems + 1))
        #expect(problem?.code == "batch.too_large")
        #expect(problem?.pointer == "/results")
        #expect(problem?.message.contains("10001") == true)
        #expect(thrown(String(body(JSONResultReader.maxItems + 1).dropLast(2)) + "}")?.code == "json.invalid", "invalid JSON outranks the size")
    }

    // MARK: - Invalid JSON

    @Test("a body that is not valid JSON, or not an object, is json.invalid at the root", arguments: [
        "", " ", "{", "}", "[]", "[1,2,3]", #""x""#, "1", "null", "true", "<xml>not json</xml>",
        #"{"a":1} x"#, #"{"a":1}{}"#, #"{"a":1,}"#, #"{"a":[1,]}"#, #"{,"a":1}"#, #"{"a" 1}"#, #"{"a":}"#, #"{a:1}"#, #"{'a':1}"#,
        #"{"a":01}"#, #"{"a":-}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":1e}"#, #"{"a":1e+}"#, #"{"a":+1}"#, #"{"a":0x10}"#,
        #"{"a":NaN}"#, #"{"a":Infinity}"#, #"{"a":tru}"#, #"{"a":nul}"#, #"{"a":True}"#, #"{"a":1 /* c */}"#,
        #"{"a":"\q"}"#, #"{"a":"\x41"}"#, #"{"a":"\u00"}"#, #"{"a":"\u00zz"}"#, #"{"a":"\"}"#,
        #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#, #"{"a":"\ud800\u0041"}"#, #"{"a":"\ud800\ud800"}"#, #"{"specimenId":"\ud83d"}"#,
        "{\"a\":\"tab\there\"}", "{\"a\":\"new\nline\"}", "{\"specimenId\":\"\u{0}\"}", #"{"a":"open}"#,
        #"{"results":[{"specimenId":"A"},]}"#, #"{"results":[{"specimenId":"A"}"#, #"{"results":[{"targets":[{"ct":1e}]}]}"#,
    ])
    func invalid(body: String) {
        let problem = thrown(body)
        #expect(problem?.code == "json.invalid")
        #expect(problem?.pointer == "")
    }

    @Test("invalid UTF-8 anywhere is json.invalid; a UTF-8 byte order mark is allowed")
    func utf8() throws {
        let bad: [[UInt8]] = [[0xFF], [0xC3], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                              [0xF5, 0x80, 0x80, 0x80], [0x80], [0xE4, 0xB8], [0xF0, 0x9F, 0x98]]
        let places = [(#"{"specimenId":"a"#, #"b"}"#), (#"{"unknown":["a"#, #"b"]}"#), (#"{"a"#, #"b":1}"#)]
        for bytes in bad {
            for (head, tail) in places {
                #expect(thrown(Array(head.utf8) + bytes + Array(tail.utf8))?.code == "json.invalid", "\(bytes) in \(head)")
            }
        }
        #expect(try JSONResultReader().read([0xEF, 0xBB, 0xBF] + Array(#"{"specimenId":"A"}"#.utf8)).items.count == 1)
        let utf16: [UInt8] = [0xFF, 0xFE] + Array(#"{"specimenId":"A"}"#.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(thrown(utf16)?.code == "json.invalid", "the body must be UTF-8")
        #expect(try single("{\"specimenId\":\"\u{10FFFF}𝄞中\"}").specimenId?.value == "\u{10FFFF}𝄞中")
    }

    @Test("escapes: all of JSON's, \\u with surrogate pairs")
    func escapes() throws {
        #expect(try single(#"{"person":{"name":"\u4e2d\u6587"}}"#).person.name == "中文")
        #expect(try single(#"{"person":{"name":"\ud83d\ude00 \uD83D\uDE00"}}"#).person.name == "😀 😀")
        #expect(try single(#"{"specimenId":"a\"b\\c\/d\be\ff\ng\rh\ti"}"#).specimenId?.value == "a\"b\\c/d\u{8}e\u{C}f\ng\rh\ti")
        #expect(try single(#"{"specimenId":"\u0000x"}"#).specimenId?.value == "\u{0}x")
        #expect(try single(#"{"specimenId":"\u0020x\u0020"}"#).specimenId?.value == "x", "escaped whitespace is trimmed too")
        #expect(try single(#"{"specimenId":"\u00e9"}"#).specimenId?.value == "é")
        #expect(try submission(#"{"submissionId":"\u4e2d ","results":[]}"#).submissionId == "中 ")
    }

    @Test("nesting: 512 levels read, 513 are json.invalid, and deep bodies don't crash")
    func nesting() throws {
        // The top object is level 1; the unknown member's arrays add 511 more.
        func body(_ arrays: Int) -> String {
            #"{"x":"# + String(repeating: "[", count: arrays) + String(repeating: "]", count: arrays) + #","specimenId":"A"}"#
        }
        #expect(try single(body(511)).specimenId?.value == "A")
        #expect(thrown(body(512))?.code == "json.invalid")
        func objects(_ count: Int) -> String { String(repeating: #"{"x":"#, count: count) + "1" + String(repeating: "}", count: count) }
        #expect(thrown(objects(512)) == nil)
        #expect(thrown(objects(513))?.code == "json.invalid")
        #expect(thrown(#"{"results":[{"person":{"x":"# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}}]}")?.code == "json.invalid")
        #expect(thrown(String(repeating: "[", count: 100_000))?.code == "json.invalid")
        #expect(thrown(#"{"x":"# + String(repeating: #"{"a":["#, count: 50_000))?.code == "json.invalid")
    }

    @Test("every truncation of a valid body is json.invalid")
    func truncations() {
        let body = Array((#"{"submissionId":"s\u4e2d","results":["# + fullItem + #",{"x":[1.5e3,true,null]},"z"]}"#).utf8)
        #expect(thrown(body) == nil)
        for length in 0..<body.count {
            #expect(thrown(Array(body[..<length]))?.code == "json.invalid", "\(length) bytes")
        }
    }

    @Test("random bytes and random edits of a valid body never crash")
    func randomInput() {
        var random = SplitMix64(seed: 42)
        let valid = Array(("{\"results\":[" + fullItem + "]}").utf8)
        let alphabet = Array(#"{}[],:"\ 0-1e.tnfu"#.utf8) + [0xFF, 0xC3, 0xE4, 0x01]
        for round in 0..<3000 {
            var body: [UInt8]
            if round % 3 == 0 {
                body = (0..<Int.random(in: 0...64, using: &random)).map { _ in
                    Bool.random(using: &random) ? UInt8.random(in: 0...255, using: &random) : alphabet.randomElement(using: &random) ?? 0
                }
            } else {
                body = valid
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let at = Int.random(in: 0..<body.count, using: &random)
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: body[at] = alphabet.randomElement(using: &random) ?? 0
                    case 1: body.remove(at: at)
                    default: body.insert(alphabet.randomElement(using: &random) ?? 0, at: at)
                    }
                }
            }
            // Whatever happens, the answer is a submission or a problem with a known code.
            if let problem = thrown(body) {
                #expect(["json.invalid", "json.type", "batch.too_large"].contains(problem.code))
            }
        }
    }

    @Test("problem messages never quote personal values")
    func noPersonalData() throws {
        let secret = "110105194912310021"
        let bodies = [
            #"{"person":{"nationalId":"\#(secret)","name":[\#(secret)]}}"#,
            #"{"person":{"nationalId":\#(secret)}}"#,
            #"{"status":"\#(secret)"}"#,
            #"{"collectedAt":"\#(secret)"}"#,
            #"{"targets":[{"target":"\#(secret)","ct":"\#(secret)"}]}"#,
            #"{"poolMembers":[{"person":{"name":{"\#(secret)":1}}}]}"#,
        ]
        for body in bodies {
            guard let problem = try unreadable(body)?.problem else {
                Issue.record("expected an unreadable item for \(body)")
                continue
            }
            #expect(!problem.message.contains(secret), "\(problem.message)")
        }
        for body in [#"{"person":{"name":"\#(secret)\u"}}"#, "{\"person\":{\"name\":\"\(secret)\u{1}\"}}", #"{"person":{"name":"\#(secret)"#] {
            let problem = thrown(body)
            #expect(problem?.code == "json.invalid")
            #expect(problem?.message.contains(secret) == false)
        }
    }

    // MARK: - Differential

    @Test("accepts and rejects the same bodies as JSONSerialization (where both follow RFC 8259)")
    func agreesWithJSONSerialization() {
        var random = SplitMix64(seed: 7)
        func string() -> String {
            [#""a""#, #"" b ""#, #""""#, #""张三""#, #""\u4e2d\n""#, #""\ud83d\ude00""#, #""q\"\\""#].randomElement(using: &random) ?? "\"\""
        }
        func value(_ depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &random) {
            case 0: return string()
            case 1: return ["0", "-1", "1.5", "2e3", "-0.0", "1E-5", "36"].randomElement(using: &random) ?? "0"
            case 2: return ["true", "false", "null"].randomElement(using: &random) ?? "null"
            case 3, 4: return string()
            case 5: return "[" + (0..<Int.random(in: 0..<3, using: &random)).map { _ in value(depth + 1) }.joined(separator: ",") + "]"
            default:
                let keys = ["specimenId", "targets", "person", "results", "x", "ct", "target", "name", "version"]
                return "{" + (0..<Int.random(in: 0..<4, using: &random)).map { _ in
                    "\"\(keys.randomElement(using: &random) ?? "x")\":\(value(depth + 1))"
                }.joined(separator: ",") + "}"
            }
        }
        let edits = Array(#"{}[],:"\ 0-e.tnf"#.utf8) + [0xFF, 0xC3, 0x01]
        var compared = 0
        for _ in 0..<4000 {
            var body = Array(("{\"results\":[" + (0..<3).map { _ in value(1) }.joined(separator: ",") + "]}").utf8)
            if Bool.random(using: &random) {
                let at = Int.random(in: 0..<body.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: body = Array(body[..<at])
                case 1: body[at] = edits.randomElement(using: &random) ?? 0
                case 2: body.remove(at: at)
                default: body.insert(edits.randomElement(using: &random) ?? 0, at: at)
                }
            }
            let text = String(decoding: body, as: UTF8.self)
            // JSONSerialization allows trailing commas, which RFC 8259 does not; skip those bodies.
            if text.range(of: #",\s*[\]}]"#, options: .regularExpression) != nil { continue }
            let reference = (try? JSONSerialization.jsonObject(with: Data(body))) is [String: Any]
            let ours = thrown(body)?.code != "json.invalid"
            #expect(ours == reference, "\(text)")
            compared += 1
        }
        #expect(compared > 3000)
    }
}
