import Foundation

/// Finds the SARS-CoV-2 result Observations of one bundle and turns each into a
/// ``SubmittedResult``, following its references.
///
/// Which Observations are items:
/// - An Observation is a **result** when its code is a known SARS-CoV-2 result or panel
///   LOINC term (``FHIRCodes/resultTests``), its code's text or display names the virus, or
///   its value is a SNOMED CT result (``FHIRCodes/resultValues``) — unless it is an
///   ask-at-order-entry question (a known AOE LOINC term, category `survey`, or
///   referenced by `ServiceRequest.supportingInfo`) or a Ct reading.
/// - A **Ct reading** is an Observation (or component) whose code is a Ct LOINC term
///   (``FHIRCodes/ctTargets``) or whose text names a target and "Ct".
/// - Every result is an item except (a) a panel: a result without a value whose
///   `hasMember` includes results (its members are the items), and (b) a result
///   referenced by `hasMember` or `derivedFrom` of a result that has a value (a per-gene
///   detail of that result).
///
/// Where an item's Ct values come from: its own components; Observations it references
/// by `hasMember`/`derivedFrom` (a Ct reading, or any non-item Observation's Ct
/// components and members, three levels deep); and, when it is the only item of its
/// panel or of its DiagnosticReport, the Ct readings beside it there. Ct Observations
/// that nothing connects to an item are ignored.
///
/// Where other values come from when the Observation lacks them: its panel, then the
/// DiagnosticReport that lists it (or its panel) in `result` — for specimen, subject,
/// performer, `issued` and `effective[x]`. The lab id falls back to the message's
/// `MessageHeader.sender` Organization.
///
/// References the item needs (subject, specimen, a pool member) that resolve to nothing
/// in the bundle make the item unreadable (`fhir.reference.unresolved`); unresolvable
/// performers and members are skipped, since they only add detail.
///
/// Concurrency: not `Sendable` (holds parsed JSON); lives inside one `read` call.
struct FHIRResultAssembler {
    private enum Kind {
        case result(hasValue: Bool)
        case ct(Located<String>)
        case other
    }

    private let bundle: FHIRBundle
    private var kinds: [String: Kind] = [:]
    private var itemKeys: Set<String> = []
    private var panelOf: [String: FHIRResource] = [:]
    private var panelKeys: Set<String> = []
    private var reportOf: [String: FHIRResource] = [:]
    private var specimensBySubject: [String: [FHIRResource]] = [:]
    private var senderLab: Located<String>?

    init(bundle: FHIRBundle) {
        self.bundle = bundle
        var supportingInfo: Set<String> = []
        for resource in bundle.resources {
            switch resource.type {
            case "ServiceRequest":
                for reference in resource.node["supportingInfo"]?.elements ?? [] {
                    if let target = bundle.resource(reference, from: resource) { supportingInfo.insert(target.key) }
                }
            case "Specimen":
                if let subject = bundle.resource(resource.node["subject"], from: resource) {
                    specimensBySubject[subject.key, default: []].append(resource)
                }
            case "DiagnosticReport":
                for reference in resource.node["result"]?.elements ?? [] {
                    if let target = bundle.resource(reference, from: resource), reportOf[target.key] == nil {
                        reportOf[target.key] = resource
                    }
                }
            case "MessageHeader" where senderLab == nil:
                senderLab = organizationID(resource.node["sender"], from: resource)
            default:
                break
            }
        }
        for resource in bundle.resources where resource.type == "Observation" {
            kinds[resource.key] = supportingInfo.contains(resource.key) ? .other : Self.kind(of: resource.node)
        }
        var details: Set<String> = []
        for resource in bundle.resources {
            guard case .result(let hasValue) = kinds[resource.key] else { continue }
            for member in references(of: resource, hasValue ? ["hasMember", "derivedFrom"] : ["hasMember"]) {
                guard case .result = kinds[member.key] else { continue }
                if hasValue {
                    details.insert(member.key)
                } else {
                    panelKeys.insert(resource.key)
                    if panelOf[member.key] == nil { panelOf[member.key] = resource }
                }
            }
        }
        for resource in bundle.resources {
            if case .result = kinds[resource.key], !details.contains(resource.key), !panelKeys.contains(resource.key) {
                itemKeys.insert(resource.key)
            }
        }
    }

    /// One item per result Observation, in entry order.
    func items() -> [SubmissionItem] {
        bundle.resources.compactMap { resource in
            guard itemKeys.contains(resource.key) else { return nil }
            var result = SubmittedResult(pointer: resource.entryPointer ?? resource.node.pointer)
            do throws(IntakeProblem) {
                try fill(&result, from: resource)
                return .read(result)
            } catch {
                return .unreadable(error, specimenId: result.specimenId?.value)
            }
        }
    }

    // MARK: - Classification

    private static func kind(of observation: FHIRNode) -> Kind {
        let code = observation["code"]
        let codings = code?["coding"]?.elements ?? []
        let loincCodes = codings.filter { $0.text("system")?.value == FHIRCodes.loinc }.compactMap { $0.text("code")?.value }
        let isSurvey = (observation["category"]?.elements ?? []).contains { category in
            (category["coding"]?.elements ?? []).contains { $0.text("code")?.value == "survey" }
        }
        if isSurvey || loincCodes.contains(where: FHIRCodes.askAtOrderEntry.contains) { return .other }
        if let code, let target = ctTarget(of: code) { return .ct(target) }
        let labels = ([code?.text("text")] + codings.map { $0.text("display") }).compactMap { $0?.value }
        let valueCodings = observation["valueCodeableConcept"]?["coding"]?.elements ?? []
        let hasResultValue = valueCodings.contains {
            $0.text("system")?.value == FHIRCodes.snomed && FHIRCodes.resultValues.contains($0.text("code")?.value ?? "")
        }
        guard loincCodes.contains(where: FHIRCodes.resultTests.contains) || labels.contains(where: FHIRCodes.namesVirus) || hasResultValue
        else { return .other }
        return .result(hasValue: observation["valueCodeableConcept"] != nil || observation["valueString"] != nil)
    }

    /// The target a CodeableConcept names as a Ct reading, pointing at the code or label.
    private static func ctTarget(of code: FHIRNode) -> Located<String>? {
        let codings = code["coding"]?.elements ?? []
        for coding in codings where coding.text("system")?.value == FHIRCodes.loinc {
            if let located = coding.text("code"), let name = FHIRCodes.ctTargets[located.value] {
                return Located(name, at: located.pointer)
            }
        }
        for label in [code.text("text")] + codings.map({ $0.text("display") }) {
            if let label, let name = FHIRCodes.ctTarget(inLabel: label.value) { return Located(name, at: label.pointer) }
        }
        return nil
    }

    // MARK: - Building an item

    private func fill(_ result: inout SubmittedResult, from observation: FHIRResource) throws(IntakeProblem) {
        let node = observation.node
        let panel = panelOf[observation.key]
        let report = reportOf[observation.key] ?? panel.flatMap { reportOf[$0.key] }
        let chain = [observation] + [panel, report].compactMap { $0 }

        let specimen = try readSpecimen(chain, into: &result)
        if let status = node.text("status") {
            result.status = try Self.status(status)
        }
        if let versionID = node["meta"]?.text("versionId"), let version = Int(versionID.value) {
            result.version = Located(version, at: versionID.pointer)
        }
        result.testCode = Self.testCode(node["code"])
        result.qualitativeResult = Self.qualitative(node)
        result.targets = try targets(of: observation, panel: panel, report: report)
        try readSubject(chain, pooledSpecimen: specimen, into: &result)
        result.labId = chain.lazy.compactMap { labID(of: $0) }.first ?? senderLab
        if result.reportedAt == nil, let issued = chain.lazy.compactMap({ $0.node.text("issued") }).first {
            result.reportedAt = try Self.date(issued, field: "issued")
        }
        if result.collectedAt == nil, let effective = chain.lazy.compactMap(Self.effective).first {
            result.collectedAt = try Self.date(effective, field: "Observation.effective[x]")
        }
    }

    private static func status(_ status: Located<String>) throws(IntakeProblem) -> Located<SubmittedStatus> {
        switch status.value {
        case "final", "preliminary":
            return Located(.final, at: status.pointer)
        case "amended", "corrected":
            return Located(.corrected, at: status.pointer)
        case "cancelled", "entered-in-error":
            return Located(.cancelled, at: status.pointer)
        default:
            throw IntakeProblem(
                code: "fhir.observation.status",
                message: "Observation.status must be final, preliminary, amended, corrected, cancelled or entered-in-error to be reported.",
                pointer: status.pointer
            )
        }
    }

    private static func testCode(_ code: FHIRNode?) -> Located<String>? {
        let codings = code?["coding"]?.elements ?? []
        let loinc = codings.first { $0.text("system")?.value == FHIRCodes.loinc && $0.text("code") != nil }
        return (loinc ?? codings.first { $0.text("code") != nil })?.text("code")
    }

    /// The SNOMED CT code; else the concept's text; else another coding's code or display;
    /// else `valueString`.
    private static func qualitative(_ observation: FHIRNode) -> Located<String>? {
        if let concept = observation["valueCodeableConcept"] {
            let codings = concept["coding"]?.elements ?? []
            if let snomed = codings.first(where: { $0.text("system")?.value == FHIRCodes.snomed })?.text("code") { return snomed }
            if let text = concept.text("text") { return text }
            if let other = codings.lazy.compactMap({ $0.text("code") ?? $0.text("display") }).first { return other }
        }
        return observation.text("valueString")
    }

    private static func effective(_ resource: FHIRResource) -> Located<String>? {
        resource.node.text("effectiveDateTime") ?? resource.node.text("effectiveInstant") ?? resource.node["effectivePeriod"]?.text("start")
    }

    private static func date(_ text: Located<String>, field: String) throws(IntakeProblem) -> Located<Date> {
        guard let date = SubmittedTimestamp.date(text.value, rules: .fhir) else {
            throw IntakeProblem(
                code: "fhir.datetime.invalid",
                message: "\(field) is not a FHIR dateTime: use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with Z or an offset such as +08:00.",
                pointer: text.pointer
            )
        }
        return Located(date, at: text.pointer)
    }

    private func references(of resource: FHIRResource, _ fields: [String]) -> [FHIRResource] {
        fields.flatMap { resource.node[$0]?.elements ?? [] }.compactMap { bundle.resource($0, from: resource) }
    }

    /// Resolves the first reference in `field` along `chain`; throws when it names nothing
    /// in the bundle.
    private func followRequired(_ field: String, along chain: [FHIRResource]) throws(IntakeProblem) -> FHIRReference? {
        for resource in chain {
            guard let resolved = bundle.resolve(resource.node[field], from: resource) else { continue }
            if case .unresolved(let pointer) = resolved {
                throw Self.unresolved("Observation.\(field)", at: pointer)
            }
            return resolved
        }
        return nil
    }

    private static func unresolved(_ what: String, at pointer: String) -> IntakeProblem {
        IntakeProblem(
            code: "fhir.reference.unresolved",
            message: "\(what) refers to a resource that is not in the bundle; include it as an entry (fullUrl or ResourceType/id) or use a logical reference with an identifier.",
            pointer: pointer
        )
    }

    // MARK: Specimen

    /// Reads the specimen and returns its Specimen resource, when it is one in the bundle.
    private func readSpecimen(_ chain: [FHIRResource], into result: inout SubmittedResult) throws(IntakeProblem) -> FHIRResource? {
        switch try followRequired("specimen", along: chain) {
        case .resource(let specimen) where specimen.type == "Specimen":
            result.specimenId = Self.specimenID(specimen)
            let type = specimen.node["type"]
            let codings = type?["coding"]?.elements ?? []
            result.specimenType = codings.first { $0.text("system")?.value == FHIRCodes.snomed }?.text("code")
                ?? type?.text("text")
                ?? codings.lazy.compactMap { $0.text("code") }.first
            if let collected = specimen.node["collection"].flatMap({ $0.text("collectedDateTime") ?? $0["collectedPeriod"]?.text("start") }) {
                result.collectedAt = try Self.date(collected, field: "Specimen.collection.collected[x]")
            }
            return specimen
        case .logical(let identifier):
            result.specimenId = identifier.text("value")
            return nil
        default:
            return nil
        }
    }

    private static func specimenID(_ specimen: FHIRResource) -> Located<String>? {
        (specimen.node["identifier"]?.elements ?? []).lazy.compactMap { $0.text("value") }.first
            ?? specimen.node["accessionIdentifier"]?.text("value")
    }

    // MARK: Subject and pools

    private func readSubject(_ chain: [FHIRResource], pooledSpecimen: FHIRResource?, into result: inout SubmittedResult) throws(IntakeProblem) {
        switch try followRequired("subject", along: chain) {
        case .resource(let subject) where subject.type == "Patient":
            result.person = FHIRPersonReader.person(patient: subject)
        case .resource(let group) where group.type == "Group":
            try readPool(group, pooledSpecimen: pooledSpecimen, into: &result)
        case .logical(let identifier):
            result.person = FHIRPersonReader.person(identifier: identifier)
        default:
            break
        }
    }

    private func readPool(_ group: FHIRResource, pooledSpecimen: FHIRResource?, into result: inout SubmittedResult) throws(IntakeProblem) {
        result.poolId = (group.node["identifier"]?.elements ?? []).lazy.compactMap { $0.text("value") }.first ?? result.specimenId
        let parents = pooledSpecimen.map { references(of: $0, ["parent"]) } ?? []
        for member in group.node["member"]?.elements ?? [] {
            switch bundle.resolve(member["entity"], from: group) {
            case .resource(let patient) where patient.type == "Patient":
                let own = parents.first { bundle.resource($0.node["subject"], from: $0)?.key == patient.key }
                    ?? specimensBySubject[patient.key]?.first { $0.key != pooledSpecimen?.key }
                result.poolMembers.append(SubmittedPoolMember(specimenId: own.flatMap(Self.specimenID), person: FHIRPersonReader.person(patient: patient)))
            case .resource(let specimen) where specimen.type == "Specimen":
                // Not R4 (Group.member cannot be a Specimen), but some LIS send it: the tube and its patient.
                let patient = bundle.resource(specimen.node["subject"], from: specimen).flatMap { $0.type == "Patient" ? $0 : nil }
                result.poolMembers.append(SubmittedPoolMember(specimenId: Self.specimenID(specimen), person: patient.map(FHIRPersonReader.person(patient:)) ?? SubmittedPerson()))
            case .logical(let identifier):
                result.poolMembers.append(SubmittedPoolMember(specimenId: nil, person: FHIRPersonReader.person(identifier: identifier)))
            case .unresolved(let pointer):
                throw Self.unresolved("Group.member.entity", at: pointer)
            default:
                continue
            }
        }
    }

    // MARK: Lab

    private func labID(of resource: FHIRResource) -> Located<String>? {
        (resource.node["performer"]?.elements ?? []).lazy.compactMap { organizationID($0, from: resource) }.first
    }

    private func organizationID(_ reference: FHIRNode?, from origin: FHIRResource) -> Located<String>? {
        switch bundle.resolve(reference, from: origin) {
        case .resource(let organization) where organization.type == "Organization":
            return (organization.node["identifier"]?.elements ?? []).lazy.compactMap { $0.text("value") }.first
        case .logical(let identifier):
            return identifier.text("value")
        default:
            return nil
        }
    }

    // MARK: Ct values

    private func targets(of observation: FHIRResource, panel: FHIRResource?, report: FHIRResource?) throws(IntakeProblem) -> [SubmittedTarget] {
        var collector = CtCollector()
        try collector.components(of: observation.node)
        for member in references(of: observation, ["hasMember", "derivedFrom"]) {
            try collect(member, into: &collector, depth: 0)
        }
        if let panel, onlyItem(observation, among: references(of: panel, ["hasMember"])) {
            try collector.components(of: panel.node)
            for sibling in references(of: panel, ["hasMember"]) {
                try collect(sibling, into: &collector, depth: 0)
            }
        }
        if let report {
            let listed = references(of: report, ["result"])
            let expanded = listed + listed.flatMap { panelKeys.contains($0.key) ? references(of: $0, ["hasMember"]) : [] }
            if onlyItem(observation, among: expanded) {
                for sibling in listed {
                    try collect(sibling, into: &collector, depth: 0)
                }
            }
        }
        return collector.targets
    }

    private func onlyItem(_ observation: FHIRResource, among resources: [FHIRResource]) -> Bool {
        !resources.contains { itemKeys.contains($0.key) && $0.key != observation.key }
    }

    private func collect(_ resource: FHIRResource, into collector: inout CtCollector, depth: Int) throws(IntakeProblem) {
        guard resource.type == "Observation", !itemKeys.contains(resource.key), depth < 3, collector.visit(resource.key) else { return }
        if case .ct(let name) = kinds[resource.key] {
            try collector.reading(name: name, in: resource.node)
            return
        }
        try collector.components(of: resource.node)
        for member in references(of: resource, ["hasMember", "derivedFrom"]) {
            try collect(member, into: &collector, depth: depth + 1)
        }
    }

    /// Gathers Ct readings once each (the same Observation can be reachable from a member
    /// list, a panel and a report).
    private struct CtCollector {
        var targets: [SubmittedTarget] = []
        private var visited: Set<String> = []

        mutating func visit(_ key: String) -> Bool {
            visited.insert(key).inserted
        }

        mutating func components(of node: FHIRNode) throws(IntakeProblem) {
            for component in node["component"]?.elements ?? [] {
                if let code = component["code"], let name = FHIRResultAssembler.ctTarget(of: code) {
                    try reading(name: name, in: component)
                }
            }
        }

        /// A Ct from `valueQuantity` (a `>`/`>=` comparator means no amplification within
        /// the run), `valueInteger` or a numeric `valueString`; no number (a coded "not
        /// detected", a `dataAbsentReason`, words) means no amplification.
        mutating func reading(name: Located<String>, in node: FHIRNode) throws(IntakeProblem) {
            var ct: Located<Double>?
            if let quantity = node["valueQuantity"] {
                let comparator = quantity.text("comparator")?.value
                if let value = quantity["value"], comparator != ">", comparator != ">=" {
                    guard let number = value.number ?? value.text.flatMap(SubmittedDecimal.value) else {
                        throw IntakeProblem(code: "fhir.quantity.invalid", message: "A Ct valueQuantity.value must be a number.", pointer: value.pointer)
                    }
                    ct = Located(number, at: value.pointer)
                }
            } else if let integer = node["valueInteger"], let number = integer.number {
                ct = Located(number, at: integer.pointer)
            } else if let string = node.text("valueString"), let number = SubmittedDecimal.value(string.value) {
                ct = Located(number, at: string.pointer)
            }
            targets.append(SubmittedTarget(name: name, ct: ct))
        }
    }
}
