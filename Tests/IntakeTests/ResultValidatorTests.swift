import FangyiEvents
import FangyiIntake
import Foundation
import Testing

@Suite("Result validation and interpretation")
struct ResultValidatorTests {
    let now = Date(timeIntervalSince1970: 1_647_300_000)  // 2022-03-14T23:20:00Z
    let validator = TestLabs.validator()

    func item(orf1ab: Double?, n: Double?, specimen: String = "S-1") -> SubmittedResult {
        var item = SubmittedResult(pointer: "/results/0")
        item.specimenId = Located(specimen, at: "/results/0/specimenId")
        item.testCode = Located("94500-6", at: "/results/0/testCode")
        item.specimenType = Located("258529004", at: "/results/0/specimenType")
        item.collectedAt = Located(now.addingTimeInterval(-36_000), at: "/results/0/collectedAt")
        item.reportedAt = Located(now.addingTimeInterval(-3_600), at: "/results/0/reportedAt")
        item.person.nationalId = Located(TestLabs.nationalIDs[0], at: "/results/0/person/nationalId")
        item.person.name = "李四"
        item.person.phone = "13900000000"
        for (index, (name, ct)) in [("ORF1ab", orf1ab), ("N", n)].enumerated() {
            item.targets.append(SubmittedTarget(name: Located(name, at: "/results/0/targets/\(index)/target"),
                                                ct: ct.map { Located($0, at: "/results/0/targets/\(index)/ct") }))
        }
        return item
    }

    func accepted(_ item: SubmittedResult) throws -> LabResultRecorded {
        let accepted = try validator.validate(item, lab: TestLabs.labA, now: now).get()
        guard case .individual(let event) = accepted.event else { throw Unexpected() }
        return event
    }

    func problem(_ item: SubmittedResult, lab: LabAccount = TestLabs.labA) -> IntakeProblem? {
        if case .failure(let problem) = validator.validate(item, lab: lab, now: now) { return problem }
        return nil
    }

    struct Unexpected: Error {}

    @Test("Ct interpretation follows the national protocol", arguments: [
        (28.0, 30.0, Interpretation.positive),
        (28.0, nil, .inconclusive),        // one target only
        (36.0, 37.5, .inconclusive),       // weak band 35–40
        (34.9, 39.9, .inconclusive),
        (nil, nil, .negative),
        (41.0, 45.0, .negative),
    ] as [(Double?, Double?, Interpretation)])
    func interpretation(orf1ab: Double?, n: Double?, expected: Interpretation) throws {
        #expect(try accepted(item(orf1ab: orf1ab, n: n)).interpretation == expected)
    }

    @Test("the policy's cut-offs are configurable")
    func configurablePolicy() throws {
        var policy = InterpretationPolicy.default
        policy.positiveBelowCt = 40
        let strictValidator = TestLabs.validator(policy)
        let result = try strictValidator.validate(item(orf1ab: 38, n: 39), lab: TestLabs.labA, now: now).get()
        guard case .individual(let event) = result.event else { throw Unexpected() }
        #expect(event.interpretation == .positive)
    }

    @Test("implausible or ill-timed items are rejected with the offending field")
    func rejections() {
        var ctHigh = item(orf1ab: 55, n: 30)
        #expect(problem(ctHigh)?.code == "ct.out_of_range")
        #expect(problem(ctHigh)?.pointer == "/results/0/targets/0/ct")
        ctHigh.targets[0].ct = Located(-1, at: "/results/0/targets/0/ct")
        #expect(problem(ctHigh)?.code == "ct.out_of_range")

        var future = item(orf1ab: 20, n: 20)
        future.collectedAt = Located(now.addingTimeInterval(3_600), at: "/results/0/collectedAt")
        #expect(problem(future)?.code == "collected_at.future")

        var backwards = item(orf1ab: 20, n: 20)
        backwards.collectedAt = Located(now.addingTimeInterval(-60), at: "/results/0/collectedAt")
        #expect(problem(backwards)?.code == "collected_at.after_reported")
        #expect(problem(backwards)?.pointer == "/results/0/collectedAt")

        var noSpecimen = item(orf1ab: 20, n: 20)
        noSpecimen.specimenId = nil
        #expect(problem(noSpecimen)?.code == "specimen_id.missing")
        #expect(problem(noSpecimen)?.pointer == "/results/0/specimenId")

        var unknownTest = item(orf1ab: 20, n: 20)
        unknownTest.testCode = Located("12345-6", at: "/results/0/testCode")
        #expect(problem(unknownTest)?.code == "test_code.unknown")

        var otherLab = item(orf1ab: 20, n: 20)
        otherLab.labId = Located("lab-b", at: "/results/0/labId")
        #expect(problem(otherLab)?.code == "lab.mismatch")

        var badID = item(orf1ab: 20, n: 20)
        badID.person.nationalId = Located("110105194912310021", at: "/results/0/person/nationalId")
        #expect(problem(badID)?.code == "national_id.checksum_mismatch")
        #expect(problem(badID)?.pointer == "/results/0/person/nationalId")

        var unknownTarget = item(orf1ab: 20, n: 20)
        unknownTarget.targets[1].name = Located("S gene", at: "/results/0/targets/1/target")
        #expect(problem(unknownTarget)?.code == "target.unknown")

        // Lab B has no default area: the person's area is required.
        #expect(problem(item(orf1ab: 20, n: 20), lab: TestLabs.labB)?.code == "area_code.missing")
    }

    @Test("the person appears only as a subject ref and a sealed blob")
    func pseudonymised() throws {
        let event = try accepted(item(orf1ab: 20, n: 20))
        #expect(SubjectRefGenerator.isSubjectRef(event.subjectRef))
        #expect(event.subjectRef == TestLabs.subjects.subjectRef(for: try NationalID.normalize(TestLabs.nationalIDs[0])))
        let payload = String(decoding: try EventJSON.encode(event), as: UTF8.self)
        #expect(!payload.contains(TestLabs.nationalIDs[0]))
        #expect(!payload.contains("13900000000"))
        #expect(!payload.contains("李四"))
        let sealed = try #require(event.sealedContact)
        let contact = try TestLabs.sealer.open(sealed, for: event.subjectRef)
        #expect(contact.phone == "13900000000")
        #expect(contact.name == "李四")
    }

    @Test("event ids are deterministic per lab, specimen and version; a correction supersedes its predecessor")
    func versions() throws {
        let first = try validator.validate(item(orf1ab: 20, n: 20), lab: TestLabs.labA, now: now).get()
        let again = try validator.validate(item(orf1ab: 20, n: 20), lab: TestLabs.labA, now: now.addingTimeInterval(60)).get()
        #expect(first.eventID == again.eventID)
        var correction = item(orf1ab: nil, n: nil)
        correction.status = Located(.corrected, at: "/results/0/status")
        correction.version = Located(2, at: "/results/0/version")
        let corrected = try accepted(correction)
        #expect(corrected.status == .corrected)
        #expect(corrected.interpretation == .negative)
        #expect(corrected.supersedes == EventID.string(first.eventID))
        guard case .individual(let original) = first.event else { throw Unexpected() }
        #expect(corrected.resultId == original.resultId, "versions of one specimen share the result id")
    }

    @Test("a pooled result names every member and is never a case by itself")
    func pool() throws {
        var pool = item(orf1ab: 25, n: 26, specimen: "POOL-1")
        pool.specimenId = nil
        pool.poolId = Located("POOL-1", at: "/results/0/poolId")
        pool.person = SubmittedPerson()
        for (index, id) in TestLabs.nationalIDs.enumerated() {
            var person = SubmittedPerson()
            person.nationalId = Located(id, at: "/results/0/poolMembers/\(index)/person/nationalId")
            pool.poolMembers.append(SubmittedPoolMember(specimenId: Located("T-\(index)", at: "/results/0/poolMembers/\(index)/specimenId"), person: person))
        }
        let accepted = try validator.validate(pool, lab: TestLabs.labA, now: now).get()
        guard case .pool(let event) = accepted.event else { throw Unexpected() }
        #expect(event.interpretation == .positive)
        #expect(event.members.map(\.specimenId) == ["T-0", "T-1", "T-2", "T-3"].prefix(TestLabs.nationalIDs.count).map { $0 })
        #expect(Set(event.members.map(\.subjectRef)).count == TestLabs.nationalIDs.count)
    }

    @Test("antigen results are screening only")
    func antigen() throws {
        var antigen = item(orf1ab: nil, n: nil)
        antigen.targets = []
        antigen.testCode = Located("94558-4", at: "/results/0/testCode")
        antigen.qualitativeResult = Located("260373001", at: "/results/0/result")
        let event = try accepted(antigen)
        #expect(event.testKind == .antigen)
        #expect(event.isScreeningOnly)
        #expect(event.interpretation == .positive)
    }

    @Test("an item with more text than the limit is rejected alone; unicode names are fine")
    func itemSize() throws {
        var huge = item(orf1ab: 20, n: 20)
        huge.person.address = String(repeating: "长", count: 30_000)
        #expect(problem(huge)?.code == "item.too_large")
        var unicode = item(orf1ab: 20, n: 20)
        unicode.person.name = "阿卜杜勒·艾合买提 O'Brien-Ñúñez 🧪"
        let event = try accepted(unicode)
        let contact = try TestLabs.sealer.open(try #require(event.sealedContact), for: event.subjectRef)
        #expect(contact.name == "阿卜杜勒·艾合买提 O'Brien-Ñúñez 🧪")
    }
}
