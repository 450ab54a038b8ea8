import FangyiEvents
import FangyiIntake
import FangyiTesting
import Foundation
import Testing

/// Builds FHIR R4 JSON for one test; every test makes its own.
private enum FHIR {
    static func bytes(_ object: Any) -> [UInt8] {
        guard let data = try? JSONSerialization.data(withJSONObject: object) else { return [] }
        return [UInt8](data)
    }

    static func bundle(_ type: String, _ entries: [[String: Any]]) -> [String: Any] {
        ["resourceType": "Bundle", "type": type, "entry": entries]
    }

    static func bundle(_ entries: [[String: Any]]) -> [String: Any] {
        bundle("transaction", entries)
    }

    static func entry(_ fullUrl: String?, _ resource: [String: Any]) -> [String: Any] {
        var entry: [String: Any] = ["resource": resource]
        if let fullUrl { entry["fullUrl"] = fullUrl }
        return entry
    }

    static func loinc(_ code: String, _ display: String? = nil) -> [String: Any] {
        var coding: [String: Any] = ["system": "http://loinc.org", "code": code]
        if let display { coding["display"] = display }
        return ["coding": [coding]]
    }

    static func snomed(_ code: String) -> [String: Any] {
        ["coding": [["system": "http://snomed.info/sct", "code": code]]]
    }

    static func ref(_ reference: String) -> [String: Any] { ["reference": reference] }

    static func observation(
        code: [String: Any] = loinc("94500-6"),
        value: [String: Any]? = snomed("260373001"),
        status: String = "final",
        subject: String? = "urn:uuid:patient-1",
        specimen: String? = "urn:uuid:specimen-1",
        extra: [String: Any] = [:]
    ) -> [String: Any] {
        var resource: [String: Any] = ["resourceType": "Observation", "status": status, "code": code]
        if let value { resource["valueCodeableConcept"] = value }
        if let subject { resource["subject"] = ref(subject) }
        if let specimen { resource["specimen"] = ref(specimen) }
        resource.merge(extra) { _, new in new }
        return resource
    }

    static func patient(id: String = "p1", identifiers: [[String: Any]], extra: [String: Any] = [:]) -> [String: Any] {
        var resource: [String: Any] = ["resourceType": "Patient", "id": id, "identifier": identifiers]
        resource.merge(extra) { _, new in new }
        return resource
    }

    static func specimen(_ id: String, subject: String? = nil, extra: [String: Any] = [:]) -> [String: Any] {
        var resource: [String: Any] = ["resourceType": "Specimen", "identifier": [["value": id]]]
        if let subject { resource["subject"] = ref(subject) }
        resource.merge(extra) { _, new in new }
        return resource
    }

    static func ctComponent(_ code: [String: Any], _ value: Any) -> [String: Any] {
        ["code": code, "valueQuantity": ["value": value, "unit": "{Ct}"]]
    }

    static var nationalIdentifier: [String: Any] { ["system": "urn:oid:2.16.156.10011.1.3", "value": "110101199003071234"] }
    static var plainPatient: [String: Any] { patient(identifiers: [nationalIdentifier]) }
    static var plainSpecimen: [String: Any] { specimen("S-1") }

    /// Patient at entry 1, Specimen at entry 2 (after the Observation at entry 0).
    static func simple(_ observation: [String: Any], type: String = "transaction") -> [UInt8] {
        bytes(bundle(type, [
            entry("urn:uuid:obs-1", observation),
            entry("urn:uuid:patient-1", plainPatient),
            entry("urn:uuid:specimen-1", plainSpecimen),
        ]))
    }

    static func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text) ?? .distantPast
    }
}

private func readOne(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> SubmittedResult {
    let items = try FHIRReader().read(bundle: body)
    #expect(items.count == 1, sourceLocation: sourceLocation)
    guard case .read(let result)? = items.first else {
        Issue.record("expected a read item, got \(items)", sourceLocation: sourceLocation)
        throw CancellationError()
    }
    return result
}

private func unreadable(_ item: SubmissionItem?) -> (IntakeProblem, String?)? {
    guard case .unreadable(let problem, let specimenId)? = item else { return nil }
    return (problem, specimenId)
}

private func thrownProblem(_ body: [UInt8]) -> IntakeProblem? {
    do {
        _ = try FHIRReader().read(bundle: body)
        return nil
    } catch {
        return error
    }
}

@Suite("FHIR R4 reader")
struct FHIRReaderTests {
    @Test("reads a full transaction: result, Ct components, patient, specimen, lab and times, with pointers")
    func fullTransaction() throws {
        let observation = FHIR.observation(extra: [
            "meta": ["versionId": "3"],
            "issued": "2022-05-03T10:00:00+08:00",
            "performer": [FHIR.ref("Organization/lab-1")],
            "component": [
                FHIR.ctComponent(FHIR.loinc("94511-3"), 28.4),
                FHIR.ctComponent(FHIR.loinc("94509-7"), 30),
                ["code": FHIR.loinc("94309-2"), "valueString": "not a Ct"],
            ],
        ])
        let patient = FHIR.patient(
            identifiers: [["system": "http://hospital.example/mrn", "value": "MRN-9"], FHIR.nationalIdentifier],
            extra: [
                "name": [["family": "张", "given": ["三"]]],
                "telecom": [["system": "email", "value": "a@b"], ["system": "phone", "value": "13800000000"]],
                "address": [["line": ["幸福路1号"], "city": "北京市", "district": "110101", "postalCode": "100000"]],
            ]
        )
        let specimen = FHIR.specimen("S-1", extra: [
            "type": ["coding": [["system": "http://snomed.info/sct", "code": "258500001"]], "text": "NP swab"],
            "collection": ["collectedDateTime": "2022-05-03T08:30:00+08:00"],
        ])
        let organization: [String: Any] = ["resourceType": "Organization", "id": "lab-1", "identifier": [["value": "LAB-BJ-01"]]]
        let body = FHIR.bytes(FHIR.bundle([
            FHIR.entry("urn:uuid:patient-1", patient),
            FHIR.entry("urn:uuid:obs-1", observation),
            FHIR.entry("urn:uuid:specimen-1", specimen),
            FHIR.entry("https://lab.example/fhir/Organization/lab-1", organization),
        ]))

        let result = try readOne(body)
        #expect(result.pointer == "/entry/1")
        #expect(result.status == Located(SubmittedStatus.final, at: "/entry/1/resource/status"))
        #expect(result.version == Located(3, at: "/entry/1/resource/meta/versionId"))
        #expect(result.testCode == Located("94500-6", at: "/entry/1/resource/code/coding/0/code"))
        #expect(result.qualitativeResult == Located("260373001", at: "/entry/1/resource/valueCodeableConcept/coding/0/code"))
        #expect(result.targets == [
            SubmittedTarget(name: Located("ORF1ab", at: "/entry/1/resource/component/0/code/coding/0/code"),
                            ct: Located(28.4, at: "/entry/1/resource/component/0/valueQuantity/value")),
            SubmittedTarget(name: Located("N", at: "/entry/1/resource/component/1/code/coding/0/code"),
                            ct: Located(30, at: "/entry/1/resource/component/1/valueQuantity/value")),
        ])
        #expect(result.specimenId == Located("S-1", at: "/entry/2/resource/identifier/0/value"))
        #expect(result.specimenType == Located("258500001", at: "/entry/2/resource/type/coding/0/code"))
        #expect(result.collectedAt == Located(FHIR.date("2022-05-03T00:30:00Z"), at: "/entry/2/resource/collection/collectedDateTime"))
        #expect(result.reportedAt == Located(FHIR.date("2022-05-03T02:00:00Z"), at: "/entry/1/resource/issued"))
        #expect(result.labId == Located("LAB-BJ-01", at: "/entry/3/resource/identifier/0/value"))
        #expect(result.person.nationalId == Located("110101199003071234", at: "/entry/0/resource/identifier/1/value"))
        #expect(result.person.identifier == Located("MRN-9", at: "/entry/0/resource/identifier/0/value"))
        #expect(result.person.assigningAuthority == Located("http://hospital.example/mrn", at: "/entry/0/resource/identifier/0/system"))
        #expect(result.person.name == "张三")
        #expect(result.person.phone == "13800000000")
        #expect(result.person.address == "北京市 110101 幸福路1号")
        #expect(result.person.areaCode == Located("110101", at: "/entry/0/resource/address/0/district"))
        #expect(result.poolId == nil && result.poolMembers.isEmpty)
    }

    @Test("maps Observation.status", arguments: [
        ("final", SubmittedStatus.final), ("preliminary", .final), ("amended", .corrected),
        ("corrected", .corrected), ("cancelled", .cancelled), ("entered-in-error", .cancelled),
    ])
    func statuses(status: String, expected: SubmittedStatus) throws {
        let result = try readOne(FHIR.simple(FHIR.observation(status: status)))
        #expect(result.status?.value == expected)
    }

    @Test("a status that is not a report makes the item unreadable, keeping its specimen id")
    func unknownStatus() throws {
        let items = try FHIRReader().read(bundle: FHIR.simple(FHIR.observation(status: "registered")))
        let (problem, specimenId) = try #require(unreadable(items.first))
        #expect(problem.code == "fhir.observation.status")
        #expect(problem.pointer == "/entry/0/resource/status")
        #expect(specimenId == "S-1")
    }

    @Test("rejects bodies that are not an accepted Bundle")
    func envelopeProblems() {
        #expect(thrownProblem(Array("{\"resourceType\":".utf8))?.code == "fhir.json.invalid")
        #expect(thrownProblem(Array("[1,2]".utf8))?.code == "fhir.json.invalid")
        #expect(thrownProblem([])?.code == "fhir.json.invalid")
        #expect(thrownProblem(FHIR.bytes(FHIR.observation()))?.code == "fhir.resource_type")
        let searchset = thrownProblem(FHIR.bytes(FHIR.bundle("searchset", [])))
        #expect(searchset?.code == "fhir.bundle.type")
        #expect(searchset?.pointer == "/type")
        #expect(thrownProblem(FHIR.bytes(["resourceType": "Bundle"]))?.code == "fhir.bundle.type")
        let notResult = FHIR.bytes(FHIR.bundle([FHIR.entry(nil, FHIR.observation(code: FHIR.loinc("8310-5"), value: nil))]))
        #expect(thrownProblem(notResult)?.code == "fhir.observation.missing")
    }

    @Test("accepts collection, batch and message bundles; a message takes the lab from MessageHeader.sender")
    func bundleTypes() throws {
        for type in ["collection", "batch", "transaction"] {
            #expect(try readOne(FHIR.simple(FHIR.observation(), type: type)).qualitativeResult?.value == "260373001")
        }
        let header: [String: Any] = [
            "resourceType": "MessageHeader", "eventCoding": ["code": "R01"],
            "sender": FHIR.ref("urn:uuid:org-1"), "source": ["endpoint": "http://lab.example"],
        ]
        let organization: [String: Any] = ["resourceType": "Organization", "identifier": [["value": "LAB-7"]]]
        let message = FHIR.bytes(FHIR.bundle("message", [
            FHIR.entry("urn:uuid:header", header),
            FHIR.entry("urn:uuid:obs-1", FHIR.observation()),
            FHIR.entry("urn:uuid:patient-1", FHIR.plainPatient),
            FHIR.entry("urn:uuid:specimen-1", FHIR.plainSpecimen),
            FHIR.entry("urn:uuid:org-1", organization),
        ]))
        let result = try readOne(message)
        #expect(result.pointer == "/entry/1")
        #expect(result.labId == Located("LAB-7", at: "/entry/4/resource/identifier/0/value"))

        let headerless = FHIR.bytes(FHIR.bundle("message", [FHIR.entry("urn:uuid:obs-1", FHIR.observation())]))
        #expect(thrownProblem(headerless)?.code == "fhir.message.header")
    }

    @Test("resolves relative, absolute, versioned and contained references")
    func referenceForms() throws {
        let observation = FHIR.observation(subject: "https://lab.example/fhir/Patient/p1/_history/2", specimen: "#sp", extra: [
            "contained": [FHIR.specimen("S-contained").merging(["id": "sp"]) { _, new in new }],
        ])
        let body = FHIR.bytes(FHIR.bundle([
            FHIR.entry("https://lab.example/fhir/Observation/o1", observation),
            FHIR.entry(nil, FHIR.plainPatient),
        ]))
        let result = try readOne(body)
        #expect(result.specimenId == Located("S-contained", at: "/entry/0/resource/contained/0/identifier/0/value"))
        #expect(result.person.nationalId?.pointer == "/entry/1/resource/identifier/0/value")

        let relative = FHIR.bytes(FHIR.bundle([
            FHIR.entry(nil, FHIR.observation(subject: "Patient/p1", specimen: "Specimen/s1")),
            FHIR.entry(nil, FHIR.plainPatient),
            FHIR.entry("https://lab.example/fhir/Specimen/s1", FHIR.specimen("S-9")),
        ]))
        #expect(try readOne(relative).specimenId?.value == "S-9")
    }

    @Test("a subject or specimen not in the bundle makes the item unreadable; a logical reference is read")
    func unresolvedReferences() throws {
        let missingSubject = FHIR.bytes(FHIR.bundle([
            FHIR.entry(nil, FHIR.observation(subject: "Patient/nowhere")),
            FHIR.entry("urn:uuid:specimen-1", FHIR.plainSpecimen),
        ]))
        let items = try FHIRReader().read(bundle: missingSubject)
        let (problem, specimenId) = try #require(unreadable(items.first))
        #expect(problem.code == "fhir.reference.unresolved")
        #expect(problem.pointer == "/entry/0/resource/subject/reference")
        #expect(!problem.message.contains("nowhere"))
        #expect(specimenId == "S-1")

        let logical = FHIR.observation(subject: nil, specimen: nil, extra: [
            "subject": ["identifier": ["system": "http://passport.example", "value": "E1234567"]],
            "specimen": ["identifier": ["value": "S-logical"]],
        ])
        let result = try readOne(FHIR.bytes(FHIR.bundle([FHIR.entry(nil, logical)])))
        #expect(result.specimenId == Located("S-logical", at: "/entry/0/resource/specimen/identifier/value"))
        #expect(result.person.identifier?.value == "E1234567")
        #expect(result.person.assigningAuthority?.value == "http://passport.example")
        #expect(result.person.nationalId == nil)
    }

    @Test("Ct Observations referenced by hasMember count; DiagnosticReport gives issued and performer")
    func ctByHasMemberAndReport() throws {
        let result = FHIR.observation(extra: ["hasMember": [FHIR.ref("urn:uuid:ct-orf"), FHIR.ref("urn:uuid:ct-n")]])
        let orf = FHIR.observation(code: FHIR.loinc("94511-3"), value: nil, extra: ["valueQuantity": ["value": 31.2]])
        let nGene = FHIR.observation(code: ["text": "N基因 Ct值"], value: nil, extra: ["dataAbsentReason": ["text": "no amplification"]])
        let report: [String: Any] = [
            "resourceType": "DiagnosticReport", "status": "final", "code": FHIR.loinc("94531-1"),
            "issued": "2022-05-04T12:00:00Z", "performer": [["identifier": ["value": "LAB-LOGICAL"]]],
            "result": [FHIR.ref("urn:uuid:obs-1")],
        ]
        let body = FHIR.bytes(FHIR.bundle([
            FHIR.entry("urn:uuid:report", report),
            FHIR.entry("urn:uuid:obs-1", result),
            FHIR.entry("urn:uuid:ct-orf", orf),
            FHIR.entry("urn:uuid:ct-n", nGene),
            FHIR.entry("urn:uuid:patient-1", FHIR.plainPatient),
            FHIR.entry("urn:uuid:specimen-1", FHIR.plainSpecimen),
        ]))
        let read = try readOne(body)
        #expect(read.pointer == "/entry/1")
        #expect(read.targets == [
            SubmittedTarget(name: Located("ORF1ab", at: "/entry/2/resource/code/coding/0/code"), ct: Located(31.2, at: "/entry/2/resource/valueQuantity/value")),
            SubmittedTarget(name: Located("N", at: "/entry/3/resource/code/text"), ct: nil),
        ])
        #expect(read.reportedAt == Located(FHIR.date("2022-05-04T12:00:00Z"), at: "/entry/0/resource/issued"))
        #expect(read.labId == Located("LAB-LOGICAL", at: "/entry/0/resource/performer/0/identifier/value"))
    }

    @Test("Ct rows listed beside the only result in DiagnosticReport.result belong to it")
    func ctSiblingsInReport() throws {
        let report: [String: Any] = [
            "resourceType": "DiagnosticReport", "status": "final", "code": FHIR.loinc("94531-1"),
            "result": [FHIR.ref("urn:uuid:obs-1"), FHIR.ref("urn:uuid:ct-e")],
        ]
        let eGene = FHIR.observation(code: ["text": "E gene Ct"], value: nil, extra: ["valueQuantity": ["value": "33.5"]])
        let body = FHIR.bytes(FHIR.bundle([
            FHIR.entry("urn:uuid:obs-1", FHIR.observation()),
            FHIR.entry("urn:uuid:ct-e", eGene),
            FHIR.entry("urn:uuid:patient-1", FHIR.plainPatient),
            FHIR.entry("urn:uuid:specimen-1", FHIR.plainSpecimen),
            FHIR.entry("urn:uuid:report", report),
        ]))
        let result = try readOne(body)
        #expect(result.targets.map(\.name.value) == ["E"])
        #expect(result.targets.first?.ct == Located(33.5, at: "/entry/1/resource/valueQuantity/value"))
    }

    @Test("a panel without a value yields its result member, with the panel's Ct members and specimen")
    func panel() throws {
        let panel = FHIR.observation(code: FHIR.loinc("94531-1"), value: nil, extra: [
            "hasMember": [FHIR.ref("urn:uuid:member"), FHIR.ref("urn:uuid:ct-rdrp")],
        ])
        let member = FHIR.observation(subject: nil, specimen: nil)
        let rdrp = FHIR.observation(code: FHIR.loinc("94644-2"), value: nil, extra: ["valueQuantity": ["value": 36, "comparator": ">"]])
        let aoe = FHIR.observation(code: FHIR.loinc("95419-8"), value: ["coding": [["code": "Y"]]])
        let body = FHIR.bytes(FHIR.bundle([
            FHIR.entry("urn:uuid:panel", panel),
            FHIR.entry("urn:uuid:member", member),
            FHIR.entry("urn:uuid:ct-rdrp", rdrp),
            FHIR.entry("urn:uuid:aoe", aoe),
            FHIR.entry("urn:uuid:patient-1", FHIR.plainPatient),
            FHIR.entry("urn:uuid:specimen-1", FHIR.plainSpecimen),
        ]))
        let result = try readOne(body)
        #expect(result.pointer == "/entry/1")
        #expect(result.specimenId?.pointer == "/entry/5/resource/identifier/0/value")
        #expect(result.person.nationalId != nil)
        #expect(result.targets == [SubmittedTarget(name: Located("RdRp", at: "/entry/2/resource/code/coding/0/code"), ct: nil)])
    }

    @Test("a per-gene result referenced by the main result is a detail, not a second item")
    func perGeneDetail() throws {
        let main = FHIR.observation(extra: ["hasMember": [FHIR.ref("urn:uuid:gene")]])
        let gene = FHIR.observation(code: FHIR.loinc("94316-7"), value: FHIR.snomed("260373001"), extra: [
            "component": [FHIR.ctComponent(["coding": [["display": "Ct value N1"]]], 25.5)],
        ])
        let body = FHIR.bytes(FHIR.bundle([
            FHIR.entry("urn:uuid:obs-1", main),
            FHIR.entry("urn:uuid:gene", gene),
            FHIR.entry("urn:uuid:patient-1", FHIR.plainPatient),
            FHIR.entry("urn:uuid:specimen-1", FHIR.plainSpecimen),
        ]))
        let result = try readOne(body)
        #expect(result.targets.map(\.name.value) == ["N1"])
        #expect(result.targets.first?.ct?.value == 25.5)
    }

    @Test("ask-at-order-entry Observations are never items, even when their text names the virus")
    func askAtOrderEntry() throws {
        let order: [String: Any] = ["resourceType": "ServiceRequest", "status": "active", "intent": "order", "supportingInfo": [FHIR.ref("urn:uuid:aoe-1")]]
        let referenced = FHIR.observation(code: ["text": "COVID-19 symptomatic?"], value: ["text": "yes"])
        let survey = FHIR.observation(code: ["text": "First COVID-19 test?"], value: FHIR.snomed("260373001"), extra: [
            "category": [["coding": [["system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"]]]],
        ])
        let body = FHIR.bytes(FHIR.bundle([
            FHIR.entry("urn:uuid:order", order),
            FHIR.entry("urn:uuid:aoe-1", referenced),
            FHIR.entry("urn:uuid:aoe-2", survey),
            FHIR.entry("urn:uuid:obs-1", FHIR.observation()),
            FHIR.entry("urn:uuid:patient-1", FHIR.plainPatient),
            FHIR.entry("urn:uuid:specimen-1", FHIR.plainSpecimen),
        ]))
        #expect(try readOne(body).pointer == "/entry/3")
    }

    @Test("a Ct that is not a number makes the item unreadable")
    func badCt() throws {
        let observation = FHIR.observation(extra: ["component": [FHIR.ctComponent(FHIR.loinc("94510-5"), "thirty")]])
        let items = try FHIRReader().read(bundle: FHIR.simple(observation))
        let (problem, _) = try #require(unreadable(items.first))
        #expect(problem.code == "fhir.quantity.invalid")
        #expect(problem.pointer == "/entry/0/resource/component/0/valueQuantity/value")
        #expect(!problem.message.contains("thirty"))

        let boolean = FHIR.observation(extra: ["component": [FHIR.ctComponent(FHIR.loinc("94510-5"), true)]])
        #expect(unreadable(try FHIRReader().read(bundle: FHIR.simple(boolean)).first)?.0.code == "fhir.quantity.invalid")
    }

    @Test("a Group subject is a pool: pool id, members and their own specimens")
    func pool() throws {
        let group: [String: Any] = [
            "resourceType": "Group", "type": "person", "actual": true,
            "identifier": [["value": "POOL-20"]],
            "member": [["entity": FHIR.ref("Patient/a")], ["entity": FHIR.ref("Patient/b")], ["entity": ["identifier": ["value": "110101199001011237"]]]],
        ]
        let pooled = FHIR.specimen("TUBE-POOL", extra: ["parent": [FHIR.ref("urn:uuid:spec-a")]])
        let body = FHIR.bytes(FHIR.bundle([
            FHIR.entry("urn:uuid:obs-1", FHIR.observation(code: FHIR.loinc("94309-2"), value: FHIR.snomed("260415000"), subject: "urn:uuid:group", specimen: "urn:uuid:pooled")),
            FHIR.entry("urn:uuid:group", group),
            FHIR.entry("urn:uuid:pooled", pooled),
            FHIR.entry(nil, FHIR.patient(id: "a", identifiers: [["value": "110101199001011234"]])),
            FHIR.entry(nil, FHIR.patient(id: "b", identifiers: [["type": ["coding": [["code": "NNCHN"]]], "value": "B-ID"]])),
            FHIR.entry("urn:uuid:spec-a", FHIR.specimen("TUBE-A", subject: "Patient/a")),
            FHIR.entry(nil, FHIR.specimen("TUBE-B", subject: "Patient/b")),
        ]))
        let result = try readOne(body)
        #expect(result.poolId == Located("POOL-20", at: "/entry/1/resource/identifier/0/value"))
        #expect(result.specimenId?.value == "TUBE-POOL")
        #expect(result.person == SubmittedPerson())
        #expect(result.poolMembers.count == 3)
        #expect(result.poolMembers.map { $0.specimenId?.value } == ["TUBE-A", "TUBE-B", nil])
        #expect(result.poolMembers[0].specimenId?.pointer == "/entry/5/resource/identifier/0/value")
        #expect(result.poolMembers[0].person.nationalId == Located("110101199001011234", at: "/entry/3/resource/identifier/0/value"))
        #expect(result.poolMembers[1].person.nationalId?.value == "B-ID")
        #expect(result.poolMembers[2].person.nationalId?.value == "110101199001011237")

        // Without a Group identifier, the pooled specimen's id is the pool id.
        var anonymous = group
        anonymous["identifier"] = nil
        anonymous["member"] = [["entity": FHIR.ref("Patient/missing")]]
        let unresolved = FHIR.bytes(FHIR.bundle([
            FHIR.entry("urn:uuid:obs-1", FHIR.observation(subject: "urn:uuid:group", specimen: "urn:uuid:pooled")),
            FHIR.entry("urn:uuid:group", anonymous),
            FHIR.entry("urn:uuid:pooled", pooled),
        ]))
        let items = try FHIRReader().read(bundle: unresolved)
        #expect(unreadable(items.first)?.0.code == "fhir.reference.unresolved")
        #expect(unreadable(items.first)?.0.pointer == "/entry/1/resource/member/0/entity/reference")
        #expect(unreadable(items.first)?.1 == "TUBE-POOL")
    }

    @Test("identifier rules: national id by shape; the other identifier's authority from assigner")
    func identifiers() throws {
        let patient = FHIR.patient(identifiers: [
            ["value": "G12345678", "assigner": ["display": "Passport Office"]],
            ["system": "http://example.org/ids", "value": "11010119900307123X"],
        ], extra: [
            "name": [["use": "nickname", "text": "Nick"], ["use": "official", "family": "Smith", "given": ["Anna", "B"]]],
            "address": [
                ["use": "work", "text": "Work place"],
                ["use": "home", "text": "Home place", "district": "Chaoyang", "postalCode": "100020",
                 "extension": [["url": "http://example.org/area", "valueCode": "110105"]]],
            ],
        ])
        let body = FHIR.bytes(FHIR.bundle([
            FHIR.entry("urn:uuid:obs-1", FHIR.observation()),
            FHIR.entry("urn:uuid:patient-1", patient),
            FHIR.entry("urn:uuid:specimen-1", FHIR.plainSpecimen),
        ]))
        let person = try readOne(body).person
        #expect(person.nationalId?.value == "11010119900307123X")
        #expect(person.identifier == Located("G12345678", at: "/entry/1/resource/identifier/0/value"))
        #expect(person.assigningAuthority == Located("Passport Office", at: "/entry/1/resource/identifier/0/assigner/display"))
        #expect(person.name == "Anna B Smith")
        #expect(person.address == "Home place")
        #expect(person.areaCode == Located("110105", at: "/entry/1/resource/address/1/extension/0/valueCode"))
    }

    @Test("dates: partial dates, effective[x] when the specimen has none, invalid dates")
    func dates() throws {
        let specimenless = FHIR.bytes(FHIR.bundle([
            FHIR.entry("urn:uuid:obs-1", FHIR.observation(specimen: nil, extra: ["effectiveDateTime": "2022-05", "issued": "2022-05-03T10:00:00.123Z"])),
            FHIR.entry("urn:uuid:patient-1", FHIR.plainPatient),
        ]))
        let result = try readOne(specimenless)
        #expect(result.collectedAt == Located(FHIR.date("2022-04-30T16:00:00Z"), at: "/entry/0/resource/effectiveDateTime"))
        #expect(result.reportedAt?.value == FHIR.date("2022-05-03T10:00:00.123Z"))
        #expect(result.specimenId == nil)

        for bad in ["2022-02-30", "2022-05-03T10:00:00", "2022-05-03T25:00:00Z", "03/05/2022", "2022-5-3"] {
            let items = try FHIRReader().read(bundle: FHIR.simple(FHIR.observation(extra: ["issued": bad])))
            let (problem, _) = try #require(unreadable(items.first))
            #expect(problem.code == "fhir.datetime.invalid", "\(bad)")
            #expect(problem.pointer == "/entry/0/resource/issued")
            #expect(!problem.message.contains(bad))
        }
    }

    @Test("result as text only, as valueString, and a local code recognised by its SNOMED value")
    func resultForms() throws {
        let textOnly = try readOne(FHIR.simple(FHIR.observation(value: ["text": "阳性"])))
        #expect(textOnly.qualitativeResult == Located("阳性", at: "/entry/0/resource/valueCodeableConcept/text"))

        let string = try readOne(FHIR.simple(FHIR.observation(code: ["text": "SARS-CoV-2 RNA"], value: nil, extra: ["valueString": "not detected"])))
        #expect(string.qualitativeResult?.value == "not detected")
        #expect(string.testCode == nil)

        let local = try readOne(FHIR.simple(FHIR.observation(code: ["coding": [["system": "http://lab.example/codes", "code": "XG01"]]], value: FHIR.snomed("419984006"))))
        #expect(local.testCode?.value == "XG01")
        #expect(local.qualitativeResult?.value == "419984006")
    }

    @Test("versionId that is not an integer is left absent")
    func version() throws {
        #expect(try readOne(FHIR.simple(FHIR.observation(extra: ["meta": ["versionId": "v2"]]))).version == nil)
    }

    @Test("NDJSON: one bundle per line, line-prefixed pointers, a bad line gives one unreadable item")
    func ndjson() throws {
        let good = FHIR.simple(FHIR.observation())
        var body = good + Array("\n{not json\n\n".utf8) + good + Array("\r\n".utf8)
        body += FHIR.bytes(FHIR.bundle("history", []))
        let items = FHIRReader().read(ndjson: body)
        #expect(items.count == 4)
        guard case .read(let first)? = items.first, items.count == 4, case .read(let third) = items[2] else {
            Issue.record("unexpected items \(items)")
            return
        }
        #expect(first.pointer == "/0/entry/0")
        #expect(unreadable(items[1])?.0 == IntakeProblem(code: "fhir.json.invalid", message: unreadable(items[1])?.0.message ?? "", pointer: "/1"))
        #expect(third.pointer == "/3/entry/0")
        #expect(third.specimenId?.pointer == "/3/entry/2/resource/identifier/0/value")
        #expect(unreadable(items[3])?.0.pointer == "/4/type")
        #expect(FHIRReader().read(ndjson: []).isEmpty)
    }

    @Test("never traps on truncated or corrupted input")
    func junk() {
        let observation = FHIR.observation(extra: [
            "hasMember": [FHIR.ref("urn:uuid:obs-1")], "derivedFrom": [FHIR.ref("Observation/x")],
            "component": [FHIR.ctComponent(FHIR.loinc("94511-3"), 28.4)],
            "contained": [["resourceType": "Patient", "id": "c"]], "issued": "2022-05-03T10:00:00Z",
        ])
        let body = FHIR.simple(observation)
        for end in stride(from: 0, to: body.count, by: 3) {
            _ = try? FHIRReader().read(bundle: Array(body[..<end]))
        }
        var generator = SplitMix64(seed: 42)
        for _ in 0..<300 {
            var mutated = body
            for _ in 0..<4 {
                mutated[Int(generator.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            _ = try? FHIRReader().read(bundle: mutated)
            _ = FHIRReader().read(ndjson: mutated)
        }
        // Wrong shapes everywhere the reader looks.
        let shapes: [Any] = ["x", 1, true, NSNull(), [1], ["a": [1]]]
        for shape in shapes {
            for key in ["code", "subject", "specimen", "component", "hasMember", "valueCodeableConcept", "status", "meta", "performer"] {
                var broken = FHIR.observation()
                broken[key] = shape
                _ = try? FHIRReader().read(bundle: FHIR.simple(broken))
            }
            _ = try? FHIRReader().read(bundle: FHIR.bytes(["resourceType": "Bundle", "type": "collection", "entry": shape]))
            _ = try? FHIRReader().read(bundle: FHIR.bytes(FHIR.bundle([["resource": shape, "fullUrl": shape]])))
        }
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000)
        #expect(thrownProblem(deep)?.code == "fhir.json.invalid")
    }
}
