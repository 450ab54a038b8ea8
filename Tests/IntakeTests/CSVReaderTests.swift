import FangyiEvents
import FangyiIntake
import FangyiTesting
import Foundation
import Testing

private func read(_ text: String) throws -> [SubmissionItem] {
    try CSVReader().read(Array(text.utf8))
}

private func results(_ items: [SubmissionItem], sourceLocation: SourceLocation = #_sourceLocation) -> [SubmittedResult] {
    items.compactMap { item in
        guard case .read(let result) = item else {
            Issue.record("unexpected unreadable item \(item)", sourceLocation: sourceLocation)
            return nil
        }
        return result
    }
}

private func unreadable(_ item: SubmissionItem?) -> (problem: IntakeProblem, specimenId: String?)? {
    guard case .unreadable(let problem, let specimenId)? = item else { return nil }
    return (problem, specimenId)
}

private func thrown(_ body: [UInt8]) -> IntakeProblem? {
    do {
        _ = try CSVReader().read(body)
        return nil
    } catch {
        return error
    }
}

private func utc(_ text: String) -> Date {
    ISO8601DateFormatter().date(from: text) ?? .distantPast
}

@Suite("CSV reader")
struct CSVReaderTests {
    @Test("reads every documented column, with row and column pointers")
    func allColumns() throws {
        let header = "lab_id,specimen_id,status,version,national_id,patient_id,patient_id_authority,name,phone,address,area_code,test_code,result,orf1ab_ct,n_ct,e_ct,rdrp_ct,specimen_type,collected_at,reported_at,retest_of_pool_id"
        let row = "LAB-1,S-100,C,2,110101199003071234,P-9,Passport,张三,13800000000,\"北京市, 幸福路1号\",110101,94500-6,detected,28.5,31,,-,NP swab,2022-05-03 08:30,2022-05-03T10:00:00Z,POOL-7"
        let result = try #require(results(try read(header + "\n" + row + "\n")).first)
        #expect(result.pointer == "row 2")
        #expect(result.labId == Located("LAB-1", at: "row 2, column lab_id"))
        #expect(result.specimenId == Located("S-100", at: "row 2, column specimen_id"))
        #expect(result.status == Located(SubmittedStatus.corrected, at: "row 2, column status"))
        #expect(result.version == Located(2, at: "row 2, column version"))
        #expect(result.person.nationalId == Located("110101199003071234", at: "row 2, column national_id"))
        #expect(result.person.identifier == Located("P-9", at: "row 2, column patient_id"))
        #expect(result.person.assigningAuthority == Located("Passport", at: "row 2, column patient_id_authority"))
        #expect(result.person.name == "张三")
        #expect(result.person.phone == "13800000000")
        #expect(result.person.address == "北京市, 幸福路1号")
        #expect(result.person.areaCode == Located("110101", at: "row 2, column area_code"))
        #expect(result.testCode == Located("94500-6", at: "row 2, column test_code"))
        #expect(result.qualitativeResult == Located("detected", at: "row 2, column result"))
        #expect(result.targets == [
            SubmittedTarget(name: Located("ORF1ab", at: "row 2, column orf1ab_ct"), ct: Located(28.5, at: "row 2, column orf1ab_ct")),
            SubmittedTarget(name: Located("N", at: "row 2, column n_ct"), ct: Located(31, at: "row 2, column n_ct")),
            SubmittedTarget(name: Located("E", at: "row 2, column e_ct"), ct: nil),
            SubmittedTarget(name: Located("RdRp", at: "row 2, column rdrp_ct"), ct: nil),
        ])
        #expect(result.specimenType == Located("NP swab", at: "row 2, column specimen_type"))
        #expect(result.collectedAt == Located(utc("2022-05-03T00:30:00Z"), at: "row 2, column collected_at"))
        #expect(result.reportedAt == Located(utc("2022-05-03T10:00:00Z"), at: "row 2, column reported_at"))
        #expect(result.retestOfPoolId == Located("POOL-7", at: "row 2, column retest_of_pool_id"))
        #expect(result.poolId == nil && result.poolMembers.isEmpty)
    }

    @Test("header names are normalized, unknown columns ignored, BOM skipped, absent columns stay absent")
    func header() throws {
        let body = [0xEF, 0xBB, 0xBF] + Array(" Specimen ID ,Remarks,ORF1AB-CT,Result\r\nS-1,free text,30.0,Positive\r\n".utf8)
        let result = try #require(results(try CSVReader().read(body)).first)
        #expect(result.specimenId?.value == "S-1")
        #expect(result.targets.map(\.name.value) == ["ORF1ab"])
        #expect(result.qualitativeResult?.pointer == "row 2, column result")
        #expect(result.labId == nil && result.status == nil && result.collectedAt == nil)
    }

    @Test("semicolon and tab separators are detected from the header line")
    func separators() throws {
        let semicolon = try read("specimen_id;result;address\nS-1;negative;a, b\n")
        #expect(results(semicolon).first?.person.address == "a, b")
        let tab = try read("specimen_id\tresult\nS-2\tnegative")
        #expect(results(tab).first?.specimenId?.value == "S-2")
    }

    @Test("quotes: escaped quotes, embedded newlines, CRLF; rows count records, blank rows skipped")
    func quoting() throws {
        let body = "specimen_id,address,result\r\n\"S-1\",\"line one\r\nline \"\"two\"\"\",detected\r\n\r\n,,\r\nS-2, \"x\" ,negative\r\n"
        let rows = results(try read(body))
        #expect(rows.map(\.specimenId?.value) == ["S-1", "S-2"])
        #expect(rows.first?.person.address == "line one\r\nline \"two\"")
        #expect(rows.last?.pointer == "row 5")
        #expect(rows.last?.person.address == "x")
    }

    @Test("a row with the wrong number of fields is unreadable; the others are read")
    func rowWidth() throws {
        let items = try read("specimen_id,result,n_ct\nS-1,detected,30\nS-2,detected,30,extra\nS-3,negative\nS-4,negative,")
        #expect(items.count == 4)
        let wide = try #require(unreadable(items[1]))
        #expect(wide.problem.code == "csv.row.width")
        #expect(wide.problem.pointer == "row 3")
        #expect(wide.specimenId == "S-2")
        #expect(unreadable(items[2])?.problem.code == "csv.row.width")
        guard case .read(let last) = items[3] else {
            Issue.record("row 5 should be read")
            return
        }
        #expect(last.targets == [SubmittedTarget(name: Located("N", at: "row 5, column n_ct"), ct: nil)])
    }

    @Test("a Ct that is not a number is unreadable, without quoting the value", arguments: ["abc", "3O.1", "1e3", "inf", "30,5"])
    func badCt(value: String) throws {
        let items = try read("specimen_id,orf1ab_ct\nS-1,\"\(value)\"\n")
        let problem = try #require(unreadable(items.first))
        #expect(problem.problem.code == "csv.number.invalid")
        #expect(problem.problem.pointer == "row 2, column orf1ab_ct")
        #expect(problem.specimenId == "S-1")
        #expect(!problem.problem.message.contains(value))
    }

    @Test("no-amplification words read as a target without a Ct", arguments: ["", "-", "N/A", "undetermined", "No Ct", "未检出"])
    func noAmplification(value: String) throws {
        let result = try #require(results(try read("specimen_id,n_ct\nS-1,\(value)\n")).first)
        #expect(result.targets == [SubmittedTarget(name: Located("N", at: "row 2, column n_ct"), ct: nil)])
    }

    @Test("status, version and date problems", arguments: [
        ("status", "pending", "csv.status.invalid"),
        ("version", "2.5", "csv.number.invalid"),
        ("collected_at", "2022-13-01 08:00", "csv.datetime.invalid"),
        ("reported_at", "03/05/2022", "csv.datetime.invalid"),
    ])
    func fieldProblems(column: String, value: String, code: String) throws {
        let items = try read("specimen_id,\(column)\nS-1,\(value)\n")
        let problem = try #require(unreadable(items.first))
        #expect(problem.problem.code == code)
        #expect(problem.problem.pointer == "row 2, column \(column)")
    }

    @Test("status letters and date spellings")
    func statusAndDates() throws {
        let rows = results(try read("""
        specimen_id,status,collected_at
        S-1,F,2022-05-03
        S-2,x,2022/5/3 9:05
        S-3,Cancelled,2022-05-03T09:05:30.5+08:00
        S-4,final,2022-05-03 09:05:30
        """))
        #expect(rows.map(\.status?.value) == [.final, .cancelled, .cancelled, .final])
        #expect(rows.map(\.collectedAt?.value) == [
            utc("2022-05-02T16:00:00Z"), utc("2022-05-03T01:05:00Z"),
            utc("2022-05-03T01:05:30Z").addingTimeInterval(0.5), utc("2022-05-03T01:05:30Z"),
        ])
    }

    @Test("rows sharing a pool_id form one pool item at the first row")
    func pools() throws {
        let body = """
        specimen_id,pool_id,pool_specimen_id,national_id,name,result,orf1ab_ct,n_ct,collected_at
        T-1,P-A,PT-A,110101199001011234,甲,detected,30,31,2022-05-03 08:00
        S-9,,,110101199001011235,乙,negative,,,
        T-2,P-A,PT-A,110101199001011236,丙,DETECTED,30.0,31,2022-05-03 08:00
        T-3,P-B,,110101199001011237,丁,negative,,,
        """
        let items = try read(body)
        #expect(items.count == 3)
        let all = results(items)
        let pool = try #require(all.first)
        #expect(pool.pointer == "row 2")
        #expect(pool.poolId == Located("P-A", at: "row 2, column pool_id"))
        #expect(pool.specimenId == Located("PT-A", at: "row 2, column pool_specimen_id"))
        #expect(pool.person == SubmittedPerson())
        #expect(pool.qualitativeResult?.value == "detected")
        #expect(pool.targets.map(\.ct?.value) == [30, 31])
        #expect(pool.collectedAt?.value == utc("2022-05-03T00:00:00Z"))
        #expect(pool.poolMembers.map(\.specimenId) == [Located("T-1", at: "row 2, column specimen_id"), Located("T-2", at: "row 4, column specimen_id")])
        #expect(pool.poolMembers.map(\.person.name) == ["甲", "丙"])
        #expect(pool.poolMembers.last?.person.nationalId?.pointer == "row 4, column national_id")
        #expect(all.dropFirst().first?.specimenId?.value == "S-9")
        #expect(all.last?.poolId?.value == "P-B")
        #expect(all.last?.specimenId == nil)
        #expect(all.last?.poolMembers.count == 1)
    }

    @Test("a pool whose rows disagree is unreadable, pointing at the first disagreeing cell")
    func inconsistentPool() throws {
        let items = try read("specimen_id,pool_id,pool_specimen_id,result,n_ct\nT-1,P-A,PT-A,detected,30\nT-2,P-A,PT-A,detected,30\nT-3,P-A,PT-A,detected,32\n")
        #expect(items.count == 1)
        let problem = try #require(unreadable(items.first))
        #expect(problem.problem.code == "csv.pool.inconsistent")
        #expect(problem.problem.pointer == "row 4, column n_ct")
        #expect(problem.specimenId == "PT-A")

        let result = try read("specimen_id,pool_id,result\nT-1,P-A,detected\nT-2,P-A,\n")
        #expect(unreadable(result.first)?.problem.pointer == "row 3, column result")
    }

    @Test("bodies that are not a usable CSV throw, pointing at row 1")
    func wholeBodyProblems() {
        #expect(thrown([]) == IntakeProblem(code: "csv.header.missing", message: thrown([])?.message ?? "", pointer: "row 1"))
        #expect(thrown([0xEF, 0xBB, 0xBF])?.code == "csv.header.missing")
        #expect(thrown([0x73, 0x70, 0xC4, 0xE3, 0x0A])?.code == "csv.encoding.invalid")
        #expect(thrown(Array("name,result\nA,detected\n".utf8))?.code == "csv.column.missing")
        #expect(thrown(Array("specimen_id,Specimen-ID\n".utf8))?.code == "csv.column.duplicate")
        #expect(thrown(Array("\"specimen_id,result\nS-1,x\n".utf8))?.code == "csv.quote.unterminated")
        #expect(thrown(Array("{\"resourceType\":\"Bundle\"}".utf8))?.code == "csv.column.missing")
    }

    @Test("an unterminated quote in a data row makes that row unreadable")
    func unterminatedQuote() throws {
        let items = try read("specimen_id,address,result\nS-1,ok,detected\nS-2,\"open,detected\nS-3,x,negative\n")
        #expect(items.count == 2)
        let problem = try #require(unreadable(items.last))
        #expect(problem.problem.code == "csv.quote.unterminated")
        #expect(problem.problem.pointer == "row 3, column address")
        #expect(problem.specimenId == "S-2")
        #expect(unreadable(try read("specimen_id,address\nS-1,\"a\"b\n").first)?.problem.code == "csv.quote.invalid")
    }

    @Test("a header alone gives no items")
    func headerOnly() throws {
        #expect(try read("specimen_id,result\n").isEmpty)
        #expect(try read("specimen_id").isEmpty)
    }

    @Test("reads a 10,000-row mass-testing export with pools of ten")
    func largeExport() throws {
        var text = "specimen_id,pool_id,national_id,name,phone,address,result,orf1ab_ct,n_ct,collected_at,reported_at\n"
        for row in 0..<10_000 {
            text += "T-\(row),P-\(row / 10),11010119900101\(String(row % 10_000).leftPadded(4)),名\(row),138\(row),\"地址 \(row), 楼\",negative,,,2022-05-03 08:00,2022-05-03T12:00:00+08:00\n"
        }
        let items = try read(text)
        #expect(items.count == 1000)
        let pools = results(items)
        #expect(pools.allSatisfy { $0.poolMembers.count == 10 })
        #expect(pools.last?.pointer == "row 9992")
        #expect(pools.last?.poolMembers.last?.specimenId?.value == "T-9999")
    }

    @Test("never traps on truncated or corrupted input")
    func junk() {
        let body = Array("specimen_id,pool_id,result,orf1ab_ct,collected_at,address\r\nT-1,P,detected,30,2022-05-03 08:00,\"a \"\"b\"\"\nc\"\r\nT-2,P,detected,30,2022-05-03 08:00,x\r\n".utf8)
        for end in 0...body.count {
            _ = try? CSVReader().read(Array(body[..<end]))
        }
        var generator = SplitMix64(seed: 7)
        for _ in 0..<500 {
            var mutated = body
            for _ in 0..<3 {
                let byte: UInt8 = [UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0xFF, 0x00, UInt8(ascii: ";")][Int(generator.next() % 7)]
                mutated[Int(generator.next() % UInt64(mutated.count))] = byte
            }
            _ = try? CSVReader().read(mutated)
        }
        #expect(thrown(Array(repeating: UInt8(ascii: "\""), count: 1001))?.code == "csv.quote.unterminated")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
