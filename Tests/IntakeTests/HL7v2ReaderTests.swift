import FangyiEvents
import FangyiIntake
import FangyiTesting
import Foundation
import Testing

// MARK: - Fixtures

/// A segment with the given fields (by HL7 number) and every other position empty.
private func segment(_ id: String, _ fields: [Int: String]) -> String {
    let last = fields.keys.max() ?? 0
    guard last >= 1 else { return id }
    return ([id] + (1...last).map { fields[$0] ?? "" }).joined(separator: "|")
}

/// An MSH with the standard delimiters; `fields` starts at MSH-3.
private func msh(_ fields: [Int: String]) -> String {
    let last = fields.keys.max() ?? 2
    guard last >= 3 else { return #"MSH|^~\&"# }
    return ([#"MSH|^~\&"#] + (3...last).map { fields[$0] ?? "" }).joined(separator: "|")
}

private let nationalID = "110101199003077735"
private let personName = "张^三"
private let localNumber = "88886666"

/// A realistic ELR ORU^R01 (v2.5.1) for one SARS-CoV-2 RT-PCR result, as segments.
private func elrSegments(
    controlID: String = "MSG00001",
    messageType: String = "ORU^R01^ORU_R01",
    version: String = "2.5.1",
    status: String = "F",
    qualitative: String = "260373001^Detected^SCT",
    collected: String = "20220314080000+0800",
    nCt: String = "28.4"
) -> [String] {
    [
        msh([
            3: "LIMS^2.16.840.1.113883.3.1^ISO", 4: "BJCDCLAB^110000001^L", 5: "FANGYI", 6: "CNCDC",
            7: "20220314163000+0800", 9: messageType, 10: controlID, 11: "P", 12: version,
            15: "NE", 16: "NE", 17: "CHN",
        ]),
        segment("SFT", [1: "Acme Lab Systems^L", 2: "3.2", 3: "LIMS", 4: "B42", 6: "20210101"]),
        segment("PID", [
            1: "1",
            3: "\(nationalID)^^^CHNMOHPRC^NNCHN~MRN0042^^^BJH^MR",
            5: personName,
            7: "19900307", 8: "M",
            11: "朝阳路1号^^北京市^北京市^100020^CHN^H^^110105",
            13: "^PRN^PH^^86^10^\(localNumber)",
        ]),
        segment("ORC", [1: "RE", 3: "FIL-778^BJCDCLAB", 21: "BJCDCLAB"]),
        segment("OBR", [
            1: "1", 3: "FIL-778^BJCDCLAB", 4: "94531-1^SARS-CoV-2 RNA panel^LN",
            7: collected, 22: "20220314160000+0800", 25: status,
        ]),
        segment("OBX", [
            1: "1", 2: "CWE", 3: "94500-6^SARS-CoV-2 RNA Resp Ql NAA+probe^LN", 5: qualitative,
            11: status, 14: collected, 19: "20220314150000+0800",
        ]),
        segment("NTE", [1: "1", 3: "Repeat confirmed"]),
        segment("OBX", [1: "2", 2: "NM", 3: "94509-7^SARS-CoV-2 N gene Ct^LN", 5: nCt, 6: "{Ct_value}", 11: status]),
        segment("OBX", [1: "3", 2: "NM", 3: "94511-3^SARS-CoV-2 ORF1ab Ct^LN", 5: "30.12", 6: "{Ct_value}", 11: status]),
        segment("OBX", [1: "4", 2: "CWE", 3: "95418-0^Employed in healthcare^LN", 5: "N^No^HL70136", 11: "F", 29: "QST"]),
        segment("OBX", [1: "5", 2: "DT", 3: "65222-2^Date and time of symptom onset^LN", 5: "20220310", 11: "F"]),
        segment("SPM", [
            1: "1", 2: "SPEC-2022-0001&BJCDCLAB^FIL-778&BJCDCLAB", 4: "258500001^Nasopharyngeal swab^SCT",
            17: "20220314080000+0800", 18: "20220314090000+0800",
        ]),
        segment("NTE", [1: "1", 3: "Specimen received cold"]),
    ]
}

private func elr(_ segments: [String] = elrSegments()) -> String {
    segments.joined(separator: "\r") + "\r"
}

/// 2022-03-14T00:00:00Z.
private let march14 = Date(timeIntervalSince1970: 1_647_216_000)

private func onlyMessage(_ body: String) throws -> HL7v2Message {
    let messages = HL7v2Reader().read(body)
    try #require(messages.count == 1)
    return try #require(messages.first)
}

private func onlyResult(_ body: String) throws -> SubmittedResult {
    let message = try onlyMessage(body)
    #expect(message.messageProblem == nil)
    try #require(message.items.count == 1)
    guard case .read(let result) = message.items.first else {
        Issue.record("expected a readable item, got \(String(describing: message.items.first))")
        throw CancellationError()
    }
    return result
}

private func onlyProblem(_ body: String) throws -> (IntakeProblem, specimenId: String?) {
    let message = try onlyMessage(body)
    #expect(message.messageProblem == nil)
    try #require(message.items.count == 1)
    guard case .unreadable(let problem, let specimenId) = message.items.first else {
        Issue.record("expected an unreadable item, got \(String(describing: message.items.first))")
        throw CancellationError()
    }
    return (problem, specimenId)
}

// MARK: - Reading

@Suite("HL7 v2 ORU^R01 reader")
struct HL7v2ReaderTests {
    @Test("reads a complete ELR message: header, person, specimen, result, Ct targets; skips AOE and NTE")
    func readsCompleteMessage() throws {
        let message = try onlyMessage(elr())
        #expect(message.index == 1)
        #expect(message.controlID == "MSG00001")
        #expect(message.sendingApplication == "LIMS")
        #expect(message.sendingFacility == "BJCDCLAB")
        #expect(message.receivingApplication == "FANGYI")
        #expect(message.receivingFacility == "CNCDC")
        #expect(message.messageType == "ORU^R01")
        #expect(message.versionID == "2.5.1")
        #expect(message.processingID == "P")
        #expect(message.encoding == .standard)
        #expect(message.messageProblem == nil)

        let result = try onlyResult(elr())
        #expect(result.pointer == "message[1]/OBR[1]")
        #expect(result.labId == Located("BJCDCLAB", at: "message[1]/MSH[1]-4"))
        #expect(result.specimenId == Located("SPEC-2022-0001", at: "message[1]/SPM[1]-2"))
        #expect(result.status == Located(.final, at: "message[1]/OBX[1]-11"))
        #expect(result.testCode == Located("94500-6", at: "message[1]/OBX[1]-3"))
        #expect(result.qualitativeResult == Located("260373001", at: "message[1]/OBX[1]-5"))
        #expect(result.specimenType == Located("258500001", at: "message[1]/SPM[1]-4"))
        #expect(result.collectedAt == Located(march14, at: "message[1]/SPM[1]-17"))
        #expect(result.reportedAt == Located(march14.addingTimeInterval(8 * 3600), at: "message[1]/OBR[1]-22"))
        #expect(result.version == nil)
        #expect(result.targets == [
            SubmittedTarget(name: Located("N", at: "message[1]/OBX[2]-3"), ct: Located(28.4, at: "message[1]/OBX[2]-5")),
            SubmittedTarget(name: Located("ORF1ab", at: "message[1]/OBX[3]-3"), ct: Located(30.12, at: "message[1]/OBX[3]-5")),
        ])

        let person = result.person
        #expect(person.nationalId == Located(nationalID, at: "message[1]/PID[1]-3"))
        #expect(person.identifier == Located("MRN0042", at: "message[1]/PID[1]-3"))
        #expect(person.assigningAuthority == Located("BJH", at: "message[1]/PID[1]-3.4"))
        #expect(person.name == "张 三")
        #expect(person.phone == "+86 10\(localNumber)")
        #expect(person.address == "朝阳路1号, 北京市, 北京市, 100020, CHN")
        #expect(person.areaCode == Located("110105", at: "message[1]/PID[1]-11.9"))
    }

    @Test("AOE rows are skipped even when they are the only coded rows before the result")
    func askAtOrderEntryFirst() throws {
        var segments = elrSegments()
        // Move both AOE rows in front of the result rows: still not results.
        let aoe = [segments[9], segments[10]]
        segments.removeSubrange(9...10)
        segments.insert(contentsOf: aoe, at: 5)
        let result = try onlyResult(elr(segments))
        #expect(result.qualitativeResult?.value == "260373001")
        #expect(result.qualitativeResult?.pointer == "message[1]/OBX[3]-5")
        #expect(result.targets.count == 2)
    }

    @Test("a batch of three messages in FHS/BHS with mixed line endings")
    func batch() throws {
        let one = elrSegments(controlID: "A1").joined(separator: "\n")
        let two = elrSegments(controlID: "A2").joined(separator: "\r\n")
        let three = elrSegments(controlID: "A3", qualitative: "260415000^Not detected^SCT").joined(separator: "\r")
        let body = [
            #"FHS|^~\&|LIMS|BJCDCLAB|FANGYI|CNCDC|20220314170000+0800"#,
            #"BHS|^~\&|LIMS|BJCDCLAB|FANGYI|CNCDC|20220314170000+0800"#,
            one, "", two, "\r\n", three,
            "BTS|3",
            "FTS|1",
        ].joined(separator: "\r\n")
        let messages = HL7v2Reader().read(body)
        #expect(messages.map(\.index) == [1, 2, 3])
        #expect(messages.map(\.controlID) == ["A1", "A2", "A3"])
        #expect(messages.allSatisfy { $0.messageProblem == nil && $0.items.count == 1 })
        guard case .read(let third)? = messages.last?.items.first else {
            Issue.record("third message unreadable")
            return
        }
        #expect(third.pointer == "message[3]/OBR[1]")
        #expect(third.qualitativeResult == Located("260415000", at: "message[3]/OBX[1]-5"))
        #expect(third.targets.count == 2)
    }

    @Test("MLLP framing bytes around each message are tolerated")
    func mllpFraming() {
        let body = "\u{0B}" + elr(elrSegments(controlID: "F1")) + "\u{1C}\r" + "\u{0B}" + elr(elrSegments(controlID: "F2")) + "\u{1C}\r"
        let messages = HL7v2Reader().read(body)
        #expect(messages.map(\.controlID) == ["F1", "F2"])
        #expect(messages.allSatisfy { $0.messageProblem == nil && $0.items.count == 1 })
    }

    @Test("custom encoding characters from MSH-1 and MSH-2")
    func customEncoding() throws {
        let body = [
            #"MSH#$~\&#LIMS#LAB9#FANGYI#CNCDC#20220314163000+0800##ORU$R01$ORU_R01#C-1#P#2.5.1"#,
            #"PID#1##MRN7$$$HOSP$MR~110101900307773$$$$##Wang$Wu##19900307"#,
            #"OBR#1##F-1#94500-6$SARS-CoV-2 RNA$LN###20220314"#,
            #"OBX#1#CWE#94500-6$SARS-CoV-2 RNA Resp Ql NAA+probe$LN##260415000$Not detected$SCT######F"#,
            #"OBX#2#NM#LOCAL-E$E gene Ct value$L##31.5######F"#,
        ].joined(separator: "\r")
        let message = try onlyMessage(body)
        #expect(message.encoding == HL7v2Encoding(
            fieldSeparator: "#", componentSeparator: "$", repetitionSeparator: "~",
            escapeCharacter: "\\", subcomponentSeparator: "&", truncationCharacter: nil
        ))
        #expect(message.messageType == "ORU^R01")
        let result = try onlyResult(body)
        #expect(result.specimenId == Located("F-1", at: "message[1]/OBR[1]-3"))
        #expect(result.person.name == "Wang Wu")
        #expect(result.person.identifier?.value == "MRN7")
        #expect(result.person.assigningAuthority?.value == "HOSP")
        #expect(result.person.nationalId?.value == "110101900307773")  // 15 digits, no type: the old card
        #expect(result.qualitativeResult?.value == "260415000")
        #expect(result.collectedAt?.value == march14.addingTimeInterval(-8 * 3600), "a date without an offset is China time")
        #expect(result.targets == [SubmittedTarget(name: Located("E", at: "message[1]/OBX[2]-3"), ct: Located(31.5, at: "message[1]/OBX[2]-5"))])
    }

    @Test("a delimiter written as data where it is not one makes the Ct unreadable")
    func customEncodingDataPipe() throws {
        let body = [
            #"MSH#$~\&#LIMS#LAB9#FANGYI#CNCDC#20220314163000+0800##ORU$R01#C-1#P#2.5.1"#,
            #"PID#1##MRN7$$$HOSP$MR##Wang$Wu"#,
            #"OBR#1##F-1#94500-6$SARS-CoV-2 RNA$LN###20220314"#,
            #"OBX#1#NM#LOCAL-E$E gene Ct value$L##|31.5|######F"#,
        ].joined(separator: "\r")
        let (problem, specimenId) = try onlyProblem(body)
        #expect(problem.code == "hl7.ct.not_numeric")
        #expect(problem.pointer == "message[1]/OBX[1]-5")
        #expect(specimenId == "F-1")
    }

    @Test("escape sequences are undone in values; unknown ones stay as text; Unicode survives")
    func escapes() throws {
        var segments = elrSegments()
        segments[2] = segment("PID", [
            1: "1", 3: #"MRN\F\42^^^BJ\T\H^MR"#,
            5: #"O\F\Brien\S\Jr^\XE5BCA0\三^\XE9\"#,
            11: #"Line 1\.br\Line 2^^City \Z99\^^^^^^12345"#,
            13: #"(010) 8888\R\6666"#,
        ])
        segments[5] = segment("OBX", [
            1: "1", 2: "ST", 3: "94500-6^SARS-CoV-2 RNA^LN", 5: #"Not detected \E\ 未检出\H\!\N\"#, 11: "F",
        ])
        let result = try onlyResult(elr(segments))
        #expect(result.person.identifier?.value == "MRN|42")
        #expect(result.person.assigningAuthority?.value == "BJ&H")
        #expect(result.person.nationalId == nil)
        #expect(result.person.name == "O|Brien^Jr 张三 é")  // \XE9\ is not UTF-8: read as Latin-1
        #expect(result.person.address == "Line 1\nLine 2, City \\Z99\\")
        #expect(result.person.areaCode == nil)  // 5 digits is not a division code
        #expect(result.person.phone == "(010) 8888~6666")
        #expect(result.qualitativeResult?.value == #"Not detected \ 未检出!"#)
    }

    @Test("PID-3 repetitions: national id by authority, by type or by shape; the first other one is the identifier")
    func repeatedIdentifiers() throws {
        func person(_ pid3: String) throws -> SubmittedPerson {
            var segments = elrSegments()
            segments[2] = segment("PID", [1: "1", 3: pid3, 5: personName])
            return try onlyResult(elr(segments)).person
        }
        let byShape = try person("P1234567^^^MPS^PPN~MRN9^^^BJH^MR~11010119900307773X")
        #expect(byShape.identifier?.value == "P1234567")
        #expect(byShape.assigningAuthority?.value == "MPS")
        #expect(byShape.nationalId?.value == "11010119900307773X")

        let byType = try person("A-77^^^^NI")
        #expect(byType.nationalId?.value == "A-77")
        #expect(byType.identifier == nil)

        let typedOtherwise = try person("110101199003077735^^^BJH^MR")
        #expect(typedOtherwise.nationalId == nil)  // an MRN that happens to have 18 digits
        #expect(typedOtherwise.identifier?.value == "110101199003077735")

        let universalAuthority = try person("MRN1^^^&2.16.840.1.113883.19&ISO^MR")
        #expect(universalAuthority.assigningAuthority == Located("2.16.840.1.113883.19", at: "message[1]/PID[1]-3.4"))

        let empty = try person("")
        #expect(empty.nationalId == nil && empty.identifier == nil && empty.assigningAuthority == nil)
    }

    @Test("OBX-11: C is a correction, X and D cancel, P and empty are item problems")
    func resultStatus() throws {
        #expect(try onlyResult(elr(elrSegments(status: "C"))).status?.value == .corrected)
        let cancelled = try onlyResult(elr(elrSegments(status: "X", qualitative: "", nCt: "")))
        #expect(cancelled.status == Located(.cancelled, at: "message[1]/OBX[1]-11"))
        #expect(cancelled.qualitativeResult == nil)
        #expect(cancelled.targets.first?.ct == nil)
        #expect(try onlyResult(elr(elrSegments(status: "D"))).status?.value == .cancelled)

        let (preliminary, specimenId) = try onlyProblem(elr(elrSegments(status: "P")))
        #expect(preliminary.code == "hl7.result_status.unsupported")
        #expect(preliminary.pointer == "message[1]/OBX[1]-11")
        #expect(specimenId == "SPEC-2022-0001")

        let (missing, _) = try onlyProblem(elr(elrSegments(status: "")))
        #expect(missing.code == "hl7.result_status.missing")
    }

    @Test("an antigen test with a SNOMED positive and no Ct rows")
    func antigen() throws {
        let body = [
            msh([3: "POC", 4: "CLINIC7", 7: "20220401", 9: "ORU^R01", 10: "AG-1", 11: "P", 12: "2.5.1"]),
            segment("PID", [1: "1", 3: "MRN5^^^CLINIC7^MR", 5: "Li^Si"]),
            segment("OBR", [1: "1", 3: "AG-778", 4: "94558-4^SARS-CoV-2 Ag Resp Ql IA.rapid^LN", 7: "202204010930+0800"]),
            segment("OBX", [1: "1", 2: "CWE", 3: "94558-4^SARS-CoV-2 Ag Resp Ql IA.rapid^LN", 5: "10828004^Positive^SCT", 11: "F"]),
            segment("SPM", [1: "1", 2: "AG-778-S", 4: "697989009^Anterior nares swab^SCT"]),
        ].joined(separator: "\r")
        let result = try onlyResult(body)
        #expect(result.testCode?.value == "94558-4")
        #expect(result.qualitativeResult?.value == "10828004")
        #expect(result.targets.isEmpty)
        #expect(result.specimenType?.value == "697989009")
        #expect(result.specimenId?.value == "AG-778-S")
        #expect(result.collectedAt == Located(Date(timeIntervalSince1970: 1_648_776_600), at: "message[1]/OBR[1]-7"))
        #expect(result.reportedAt == Located(Date(timeIntervalSince1970: 1_648_771_200 - 8 * 3600), at: "message[1]/MSH[1]-7"))
    }

    @Test("a multiplex OBR: the SARS-CoV-2 row is the result even when flu comes first; local Ct names")
    func multiplex() throws {
        var segments = elrSegments()
        segments.replaceSubrange(5...8, with: [
            segment("OBX", [1: "1", 2: "CWE", 3: "92142-9^Influenza virus A RNA^LN", 5: "260415000^Not detected^SCT", 11: "F"]),
            segment("OBX", [1: "2", 2: "CWE", 3: "L-COV^新型冠状病毒核酸检测^L", 5: "阳性", 11: "F"]),
            segment("OBX", [1: "3", 2: "NM", 3: "L-CT1^ORF1ab基因Ct值^L", 5: "25", 11: "F"]),
            segment("OBX", [1: "4", 2: "NM", 3: "L-CT2^N基因Ct值^L", 5: "", 11: "F"]),
            segment("OBX", [1: "5", 2: "NM", 3: "L-WBC^White cells^L", 5: "7.2", 11: "F"]),
        ])
        let result = try onlyResult(elr(segments))
        #expect(result.testCode == Located("L-COV", at: "message[1]/OBX[2]-3"))
        #expect(result.qualitativeResult?.value == "阳性")
        #expect(result.targets == [
            SubmittedTarget(name: Located("ORF1ab", at: "message[1]/OBX[3]-3"), ct: Located(25, at: "message[1]/OBX[3]-5")),
            SubmittedTarget(name: Located("N", at: "message[1]/OBX[4]-3"), ct: nil),
        ])
    }

    @Test("two OBR groups give two items, each pointing at its OBR; the second without SPM falls back to OBR-3")
    func twoOrders() throws {
        var segments = elrSegments()
        segments += [
            segment("OBR", [1: "2", 3: "FIL-779", 4: "94558-4^SARS-CoV-2 Ag^LN", 7: "20220314"]),
            segment("OBX", [1: "6", 2: "CWE", 3: "94558-4^SARS-CoV-2 Ag^LN", 5: "260415000^Not detected^SCT", 11: "F"]),
        ]
        let message = try onlyMessage(elr(segments))
        #expect(message.items.count == 2)
        guard case .read(let second)? = message.items.last else {
            Issue.record("second item unreadable")
            return
        }
        #expect(second.pointer == "message[1]/OBR[2]")
        #expect(second.specimenId == Located("FIL-779", at: "message[1]/OBR[2]-3"))
        #expect(second.testCode == Located("94558-4", at: "message[1]/OBX[6]-3"))
        #expect(second.person.nationalId?.value == nationalID)
    }

    @Test("an OBR with only AOE rows is an unreadable item")
    func onlyAskAtOrderEntry() throws {
        var segments = elrSegments()
        segments.removeSubrange(5...8)
        let (problem, specimenId) = try onlyProblem(elr(segments))
        #expect(problem.code == "hl7.obx.missing")
        #expect(problem.pointer == "message[1]/OBR[1]")
        #expect(specimenId == "SPEC-2022-0001")
    }

    @Test("item problems: bad timestamp, non-numeric Ct, value type")
    func itemProblems() throws {
        var noSpecimenTime = elrSegments(collected: "20221345")
        noSpecimenTime[11] = segment("SPM", [1: "1", 2: "S-1", 4: "258500001^NP swab^SCT"])
        let (timestamp, _) = try onlyProblem(elr(noSpecimenTime))
        #expect(timestamp.code == "hl7.timestamp.invalid")
        #expect(timestamp.pointer == "message[1]/OBR[1]-7")

        let (ct, _) = try onlyProblem(elr(elrSegments(nCt: "Undetermined")))
        #expect(ct.code == "hl7.ct.not_numeric")
        #expect(ct.pointer == "message[1]/OBX[2]-5")

        var untyped = elrSegments()
        untyped[5] = segment("OBX", [1: "1", 3: "94500-6^SARS-CoV-2 RNA^LN", 5: "260373001", 11: "F"])
        let (valueType, _) = try onlyProblem(elr(untyped))
        #expect(valueType.code == "hl7.obx.value_type")
        #expect(valueType.pointer == "message[1]/OBX[1]-2")

        var numericResult = elrSegments()
        numericResult[5] = segment("OBX", [1: "1", 2: "NM", 3: "94500-6^SARS-CoV-2 RNA^LN", 5: "1", 11: "F"])
        #expect(try onlyProblem(elr(numericResult)).0.code == "hl7.obx.value_type")

        var structuredCt = elrSegments()
        structuredCt[7] = segment("OBX", [1: "2", 2: "SN", 3: "94509-7^N gene Ct^LN", 5: "^33.1", 11: "F"])
        #expect(try onlyResult(elr(structuredCt)).targets.first?.ct?.value == 33.1)
        structuredCt[7] = segment("OBX", [1: "2", 2: "SN", 3: "94509-7^N gene Ct^LN", 5: ">^40", 11: "F"])
        #expect(try onlyProblem(elr(structuredCt)).0.code == "hl7.ct.not_numeric")
    }

    @Test("version 2.3.1 is read leniently; 2.7 and non-ORU messages are rejected whole")
    func messageTypeAndVersion() throws {
        #expect(try onlyMessage(elr(elrSegments(version: "2.3.1"))).messageProblem == nil)
        #expect(try onlyMessage(elr(elrSegments(version: "2.5"))).messageProblem == nil)

        let v27 = try onlyMessage(elr(elrSegments(version: "2.7")))
        #expect(v27.messageProblem?.code == "hl7.version.unsupported")
        #expect(v27.messageProblem?.pointer == "message[1]/MSH[1]-12")
        #expect(v27.items.isEmpty)

        let adt = try onlyMessage(elr(elrSegments(messageType: "ADT^A01^ADT_A01")))
        #expect(adt.messageType == "ADT^A01")
        #expect(adt.messageProblem?.code == "hl7.message_type.unsupported")
        #expect(adt.messageProblem?.pointer == "message[1]/MSH[1]-9")
        #expect(adt.controlID == "MSG00001")

        #expect(try onlyMessage(elr(elrSegments(messageType: ""))).messageProblem?.code == "hl7.message_type.missing")
        #expect(try onlyMessage(elr(elrSegments(version: ""))).messageProblem?.code == "hl7.version.missing")
        #expect(try onlyMessage(elr(elrSegments(controlID: ""))).messageProblem?.code == "hl7.control_id.missing")
    }

    @Test("segments in an order ORU^R01 forbids reject the message")
    func segmentOrder() throws {
        var obxFirst = elrSegments()
        obxFirst.swapAt(4, 5)  // OBX before its OBR
        let problem = try #require(try onlyMessage(elr(obxFirst)).messageProblem)
        #expect(problem.code == "hl7.segment_order")
        #expect(problem.pointer == "message[1]/OBX[1]")
        #expect(problem.message.contains("OBX[1] follows ORC"))

        var lateSoftware = elrSegments()
        lateSoftware.append(segment("SFT", [1: "Other"]))
        #expect(try onlyMessage(elr(lateSoftware)).messageProblem?.pointer == "message[1]/SFT[2]")

        var noPID = elrSegments()
        noPID.remove(at: 2)
        let pid = try onlyMessage(elr(noPID))
        #expect(pid.messageProblem?.code == "hl7.pid.missing")
        #expect(pid.messageProblem?.pointer == "message[1]/OBR[1]")
        #expect(pid.items.isEmpty)

        var afterEnd = elrSegments()
        afterEnd.insert("DSC|1", at: 8)
        #expect(try onlyMessage(elr(afterEnd)).messageProblem?.code == "hl7.segment_order")

        var notASegment = elrSegments()
        notASegment.insert("this is not a segment", at: 3)
        #expect(try onlyMessage(elr(notASegment)).messageProblem?.code == "hl7.segment.malformed")

        var zSegment = elrSegments()
        zSegment.insert("ZLB|1|local", at: 5)
        #expect(try onlyMessage(elr(zSegment)).messageProblem == nil)
    }

    @Test("truncation: cut MLLP frame, batch without trailer, short batch count, message ending after PID")
    func truncation() throws {
        let full = elr()
        let cut = String(full.unicodeScalars.prefix(full.unicodeScalars.count / 2))
        #expect(try onlyMessage("\u{0B}" + cut).messageProblem?.code == "hl7.truncated")

        let unclosedBatch = "BHS|^~\\&|LIMS\r" + elr(elrSegments(controlID: "B1")) + elr(elrSegments(controlID: "B2"))
        let batch = HL7v2Reader().read(unclosedBatch)
        #expect(batch.map { $0.messageProblem?.code } == [nil, "hl7.truncated"])
        #expect(batch.last?.items.isEmpty == true)

        let shortBatch = "BHS|^~\\&|LIMS\r" + elr(elrSegments(controlID: "B1")) + "BTS|2\r"
        #expect(HL7v2Reader().read(shortBatch).map { $0.messageProblem?.code } == ["hl7.truncated"])

        let afterPID = elrSegments().prefix(3).joined(separator: "\r")
        let message = try onlyMessage(afterPID)
        #expect(message.messageProblem?.code == "hl7.obr.missing")
        #expect(message.messageProblem?.pointer == "message[1]/PID[1]")

        #expect(try onlyMessage(#"MSH|^~"#).messageProblem?.code == "hl7.msh.malformed")
    }

    @Test("text before the first MSH becomes its own rejected message")
    func leadingJunk() {
        let messages = HL7v2Reader().read("hello\r" + elr())
        #expect(messages.map(\.index) == [1, 2])
        #expect(messages.first?.messageProblem?.code == "hl7.msh.missing")
        #expect(messages.last?.messageProblem == nil)
        #expect(messages.last?.items.count == 1)
        #expect(HL7v2Reader().read("").isEmpty)
        #expect(HL7v2Reader().read(" \r\n\n\t\r").isEmpty)
    }

    @Test("problem messages never quote personal values")
    func noPersonalDataInProblems() throws {
        let secrets = [nationalID, "11010119900307773X", "张", "三", localNumber, "朝阳路"]
        var badCollection = elrSegments(collected: nationalID)
        badCollection[11] = segment("SPM", [1: "1", 2: "S-1"])
        var bodies = [
            elr(elrSegments(status: "P")), elr(elrSegments(nCt: "11010119900307773X")), elr(badCollection),
            elr(elrSegments(messageType: nationalID)), elr(elrSegments(version: "三")),
        ]
        var noPID = elrSegments()
        noPID[5] = segment("OBX", [1: "1", 2: "张", 3: "94500-6^SARS-CoV-2 RNA^LN", 5: "x", 11: nationalID])
        bodies.append(elr(noPID))
        var problems: [IntakeProblem] = []
        for body in bodies {
            for message in HL7v2Reader().read(body) {
                if let problem = message.messageProblem { problems.append(problem) }
                for case .unreadable(let problem, _) in message.items { problems.append(problem) }
            }
        }
        #expect(problems.count == bodies.count)
        for problem in problems {
            for secret in secrets {
                #expect(!problem.message.contains(secret), "\(problem.code) quotes personal data")
            }
        }
    }

    // MARK: Robustness

    @Test("every prefix of a valid message returns; every prefix inside an open MLLP frame is rejected")
    func truncatedPrefixes() {
        let scalars = Array(elr().unicodeScalars)
        let reader = HL7v2Reader()
        for length in 0...scalars.count {
            var prefix = String.UnicodeScalarView()
            prefix.append(contentsOf: scalars.prefix(length))
            let bare = reader.read(String(prefix))
            #expect(bare.count <= 1)
            let framed = reader.read("\u{0B}" + String(prefix))
            #expect(framed.allSatisfy { $0.messageProblem != nil }, "prefix of \(length) scalars was accepted")
            #expect(framed.count == (length == 0 ? 0 : 1))
        }
    }

    @Test("random junk returns and is rejected")
    func randomJunk() {
        var random = SplitMix64(seed: 0x00C0_FFEE)
        let reader = HL7v2Reader()
        let ignorable: Set<Unicode.Scalar> = ["\r", "\n", " ", "\t", "\u{0B}", "\u{1C}", "\u{FEFF}"]
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 1...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let junk = String(decoding: bytes, as: UTF8.self)
            let messages = reader.read(junk)
            #expect(messages.allSatisfy { $0.messageProblem != nil && $0.items.isEmpty })
            let hasContent = junk.unicodeScalars.contains { !ignorable.contains($0) }
            #expect(messages.isEmpty == !hasContent)
        }
    }

    @Test("a valid message with random delimiters sprinkled in returns without trapping")
    func mutatedMessages() {
        var random = SplitMix64(seed: 42)
        let reader = HL7v2Reader()
        let base = Array(elr().unicodeScalars)
        let noise: [Unicode.Scalar] = ["|", "^", "~", "\\", "&", "\r", "\n", "\u{0B}", "\u{1C}", "M", "S", "H", "X", "0", "9", ".", "+", "-", "张", "\u{0}"]
        for _ in 0..<300 {
            var scalars = base
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                let at = Int.random(in: 0..<scalars.count, using: &random)
                let replacement = noise[Int.random(in: 0..<noise.count, using: &random)]
                if Bool.random(using: &random) { scalars[at] = replacement } else { scalars.insert(replacement, at: at) }
            }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            let messages = reader.read(String(text))
            for message in messages {
                #expect(message.messageProblem == nil || message.items.isEmpty)
                let ack = HL7v2Acknowledgement.make(for: message, outcomes: [], now: Date(timeIntervalSince1970: 0), controlID: "ACK")
                #expect(ack.hasPrefix("MSH"))
            }
        }
    }
}

// MARK: - Timestamps

@Suite("HL7 v2 timestamps")
struct HL7v2TimestampTests {
    @Test("reads every precision, fractions and offsets; no offset is China time")
    func parses() {
        let instant = Date(timeIntervalSince1970: 1_647_246_600)  // 2022-03-14T08:30:00Z
        let china: TimeInterval = 8 * 3600
        #expect(HL7v2Timestamp.date(from: "20220314163000") == instant)
        #expect(HL7v2Timestamp.date(from: "20220314163000+0800") == instant)
        #expect(HL7v2Timestamp.date(from: "20220314083000+0000") == instant)
        #expect(HL7v2Timestamp.date(from: "20220314033000-0500") == instant)
        #expect(HL7v2Timestamp.date(from: "202203141630") == instant)
        #expect(HL7v2Timestamp.date(from: "20220314163000.25") == instant.addingTimeInterval(0.25))
        #expect(HL7v2Timestamp.date(from: "20220314083000.1234+0000") == instant.addingTimeInterval(0.1234))
        #expect(HL7v2Timestamp.date(from: "20220314") == march14.addingTimeInterval(-china))
        #expect(HL7v2Timestamp.date(from: "202203") == Date(timeIntervalSince1970: 1_646_092_800 - china))
        #expect(HL7v2Timestamp.date(from: "2022") == Date(timeIntervalSince1970: 1_640_995_200 - china))
        #expect(HL7v2Timestamp.date(from: "20240229") != nil)
        #expect(HL7v2Timestamp.date(from: "19691231235959+0000") == Date(timeIntervalSince1970: -1))
    }

    @Test("rejects what is not an HL7 timestamp", arguments: [
        "", "22", "2022031", "20220230", "20230229", "20221301", "20220314240000", "20220314236000",
        "20220314235960", "20220314.5", "20220314083000.", "20220314083000.12345", "20220314+08", "20220314+2400",
        "2022-03-14", "20220314 ", "２０２２0314", "20220314083000Z",
    ])
    func rejects(text: String) {
        #expect(HL7v2Timestamp.date(from: text) == nil)
    }

    @Test("formats UTC for MSH-7 and survives any Date")
    func formats() {
        #expect(HL7v2Timestamp.string(from: Date(timeIntervalSince1970: 1_647_246_600.9)) == "20220314083000+0000")
        #expect(HL7v2Timestamp.string(from: Date(timeIntervalSince1970: -1)) == "19691231235959+0000")
        #expect(HL7v2Timestamp.string(from: .distantFuture).count == 19)
        #expect(HL7v2Timestamp.string(from: .distantPast).count == 19)
        #expect(HL7v2Timestamp.string(from: Date(timeIntervalSince1970: .nan)) == "19700101000000+0000")
    }
}

// MARK: - Acknowledgements

@Suite("HL7 v2 ACK builder")
struct HL7v2AcknowledgementTests {
    private let now = Date(timeIntervalSince1970: 1_647_246_600)

    private func segments(_ ack: String) -> [String] {
        ack.split(separator: "\r", omittingEmptySubsequences: false).map(String.init)
    }

    @Test("AA when every item was accepted; sender and receiver swapped")
    func accepted() throws {
        let message = try onlyMessage(elr())
        let ack = HL7v2Acknowledgement.make(for: message, outcomes: [.accepted(eventID: "evt-1")], now: now, controlID: "ACK-1")
        #expect(segments(ack) == [
            #"MSH|^~\&|FANGYI|CNCDC|LIMS|BJCDCLAB|20220314083000+0000||ACK^R01^ACK|ACK-1|P|2.5.1"#,
            "MSA|AA|MSG00001",
        ])
    }

    @Test("AE with one ERR per rejected item, located and coded from table 0357")
    func someRejected() throws {
        let message = try onlyMessage(elr())
        let outcomes: [HL7v2ItemOutcome] = [
            .accepted(eventID: "evt-1"),
            .rejected(IntakeProblem(code: "hl7.ct.not_numeric", message: "OBX[2]-5 is a Ct value | not a number ^ here", pointer: "message[1]/OBX[2]-5")),
            .rejected(IntakeProblem(code: "specimen_id.missing", message: "No specimen id.", pointer: "message[1]/SPM[1]-2.1")),
            .rejected(IntakeProblem(code: "lab.not_registered", message: "Unknown lab.", pointer: "message[1]")),
        ]
        let lines = segments(HL7v2Acknowledgement.make(for: message, outcomes: outcomes, now: now, controlID: "ACK-2"))
        #expect(lines.count == 5)
        #expect(lines[1] == "MSA|AE|MSG00001")
        #expect(lines[2] == #"ERR||OBX^2^5^1|102^Data type error^HL70357|E|||hl7.ct.not_numeric|OBX[2]-5 is a Ct value \F\ not a number \S\ here"#)
        #expect(lines[3] == "ERR||SPM^1^2^1^1|101^Required field missing^HL70357|E|||specimen_id.missing|No specimen id.")
        #expect(lines[4] == "ERR|||207^Application internal error^HL70357|E|||lab.not_registered|Unknown lab.")
    }

    @Test("AR with the message problem when the message was rejected whole")
    func rejectedMessage() throws {
        let message = try onlyMessage(elr(elrSegments(messageType: "ADT^A01")))
        let lines = segments(HL7v2Acknowledgement.make(for: message, outcomes: [], now: now, controlID: "ACK-3"))
        #expect(lines.count == 3)
        #expect(lines[1] == "MSA|AR|MSG00001")
        #expect(lines[2].hasPrefix("ERR||MSH^1^9^1|200^Unsupported message type^HL70357|E|||hl7.message_type.unsupported|"))

        let version = try onlyMessage(elr(elrSegments(version: "2.8")))
        let versionLines = segments(HL7v2Acknowledgement.make(for: version, outcomes: [], now: now, controlID: "ACK-4"))
        #expect(versionLines.last?.contains("|203^Unsupported version id^HL70357|") == true)

        let disorder = try onlyMessage("MSH|^~\\&|A|B|C|D|20220314||ORU^R01|X1|P|2.5.1\rPID|1\rOBX|1|ST|x||y||||||F\rOBR|1")
        let disorderLines = segments(HL7v2Acknowledgement.make(for: disorder, outcomes: [], now: now, controlID: "ACK-5"))
        #expect(disorderLines.last?.hasPrefix("ERR||OBX^1|100^Segment sequence error^HL70357|E|||hl7.segment_order|") == true)
    }

    @Test("the ACK uses the message's delimiters and escapes with them")
    func customDelimiters() throws {
        let body = #"MSH#$~\&#LIMS#LAB$9#FANGYI#CNCDC#20220314##ORU$R01#C#1#P#2.5.1"#
        let message = try onlyMessage(body)
        #expect(message.controlID == "C")  // MSH-10 is `C`; MSH-11 is `1`
        let problem = IntakeProblem(code: "hl7.obr.missing", message: "a#b$c", pointer: "message[1]")
        var rejected = message
        rejected.messageProblem = problem
        let lines = segments(HL7v2Acknowledgement.make(for: rejected, outcomes: [], now: now, controlID: "A#1"))
        #expect(lines == [
            #"MSH#$~\&#FANGYI#CNCDC#LIMS#LAB#20220314083000+0000##ACK$R01$ACK#A\F\1#1#2.5.1"#,
            "MSA#AR#C",
            #"ERR###100$Segment sequence error$HL70357#E###hl7.obr.missing#a\F\b\S\c"#,
        ])
    }

    @Test("junk gets an AR with no control id to echo")
    func junk() throws {
        let message = try onlyMessage("\u{01}garbage")
        let lines = segments(HL7v2Acknowledgement.make(for: message, outcomes: [], now: now, controlID: "ACK-6"))
        #expect(lines.first == #"MSH|^~\&|||||20220314083000+0000||ACK^R01^ACK|ACK-6|P|2.5.1"#)
        #expect(lines.dropFirst().first == "MSA|AR")
        #expect(lines.last?.contains("hl7.msh.missing") == true)
    }
}
