import Foundation

/// Turns one OBR group into a ``SubmissionItem``: maps the fields we read into a
/// ``SubmittedResult``, each with its `message[M]/SEG[n]-F` pointer, and reports what
/// could not be read structurally. It never judges whether a value is allowed.
struct HL7v2ResultReader {
    /// The message's MSH (lab id, fallback report time).
    var header: HL7v2Segment
    /// The message the group is in.
    var message: HL7v2Location

    /// What one OBX row of the group is.
    private enum Observation {
        case askAtOrderEntry
        case ct(SubmittedTarget)
        case qualitative(rank: Int)
        case unrelated
    }

    func item(for group: HL7v2OrderGroup) -> SubmissionItem {
        var problems: [IntakeProblem] = []
        var result = SubmittedResult(pointer: message.at(group.request).pointer)
        let specimen = group.specimens.first

        if let lab = header.value(4) ?? header.value(4, component: 2) {
            result.labId = Located(lab, at: message.at(header, field: 4).pointer)
        }
        result.specimenId = specimenID(group, specimen: specimen)
        result.specimenType = specimenType(group, specimen: specimen)
        if let patient = group.patient {
            result.person = person(from: patient)
        }

        var qualitative: (segment: HL7v2Segment, rank: Int)?
        var firstCt: HL7v2Segment?
        for observation in group.observations {
            switch classify(observation) {
            case .failure(let problem):
                problems.append(problem)
            case .success(.ct(let target)):
                result.targets.append(target)
                if firstCt == nil { firstCt = observation }
            case .success(.qualitative(let rank)):
                if qualitative.map({ rank < $0.rank }) ?? true {
                    qualitative = (observation, rank)
                }
            case .success(.askAtOrderEntry), .success(.unrelated):
                break
            }
        }

        if let observation = qualitative?.segment {
            result.qualitativeResult = qualitativeValue(observation)
            if let code = observation.value(3) {
                result.testCode = Located(code, at: message.at(observation, field: 3).pointer)
            }
        } else if let code = group.request.value(4) {
            result.testCode = Located(code, at: message.at(group.request, field: 4).pointer)
        }

        guard let statusSource = qualitative?.segment ?? firstCt else {
            let problem = problems.first ?? IntakeProblem(
                code: HL7v2ProblemCode.obxMissing,
                message: "OBR[\(group.request.occurrence)] has no result OBX (a coded or text result, or a Ct value); ask-at-order-entry answers are not results.",
                pointer: message.at(group.request).pointer
            )
            return .unreadable(problem, specimenId: result.specimenId?.value)
        }
        switch status(of: statusSource) {
        case .success(let status): result.status = status
        case .failure(let problem): problems.append(problem)
        }

        let collectedSource: (HL7v2Segment, Int) = specimen.flatMap { $0.value(17) != nil ? ($0, 17) : nil } ?? (group.request, 7)
        switch timestamp(collectedSource.0, field: collectedSource.1) {
        case .success(let date): result.collectedAt = date
        case .failure(let problem): problems.append(problem)
        }
        let reportSources: [(HL7v2Segment, Int)] = [(group.request, 22)] + (qualitative.map { [($0.segment, 19)] } ?? []) + [(header, 7)]
        if let source = reportSources.first(where: { $0.0.value($0.1) != nil }) {
            switch timestamp(source.0, field: source.1) {
            case .success(let date): result.reportedAt = date
            case .failure(let problem): problems.append(problem)
            }
        }

        if let problem = problems.first {
            return .unreadable(problem, specimenId: result.specimenId?.value)
        }
        return .read(result)
    }

    // MARK: Specimen

    private func specimenID(_ group: HL7v2OrderGroup, specimen: HL7v2Segment?) -> Located<String>? {
        let candidates: [(HL7v2Segment?, Int, Int)] = [
            (specimen, 2, 1), (specimen, 2, 2), (group.request, 3, 1), (group.commonOrder, 3, 1),
        ]
        for (segment, field, component) in candidates {
            guard let segment, let id = segment.value(field, component: component) else { continue }
            return Located(id, at: message.at(segment, field: field, component: component == 1 ? nil : component).pointer)
        }
        return nil
    }

    private func specimenType(_ group: HL7v2OrderGroup, specimen: HL7v2Segment?) -> Located<String>? {
        if let specimen, let type = specimen.value(4) ?? specimen.value(4, component: 2) ?? specimen.value(4, component: 9) {
            return Located(type, at: message.at(specimen, field: 4).pointer)
        }
        // HL7 2.3.1/2.4: OBR-15 specimen source, its first component a coded element in subcomponents.
        if let type = group.request.value(15) ?? group.request.value(15, subcomponent: 2) {
            return Located(type, at: message.at(group.request, field: 15).pointer)
        }
        return nil
    }

    // MARK: Person

    private func person(from pid: HL7v2Segment) -> SubmittedPerson {
        var person = SubmittedPerson()
        let identifiers = message.at(pid, field: 3).pointer
        for repetition in pid.repetitions(3) {
            guard let id = pid.leaf(repetition) else { continue }
            let authority = pid.leaf(repetition, component: 4) ?? pid.leaf(repetition, component: 4, subcomponent: 2)
            let type = pid.leaf(repetition, component: 5)
            if HL7v2Vocabulary.isNationalID(id, authority: authority, type: type) {
                if person.nationalId == nil {
                    person.nationalId = Located(id, at: identifiers)
                }
            } else if person.identifier == nil {
                person.identifier = Located(id, at: identifiers)
                person.assigningAuthority = authority.map { Located($0, at: message.at(pid, field: 3, component: 4).pointer) }
            }
        }
        for repetition in pid.repetitions(5) {
            let parts = [pid.subcomponents(repetition, component: 1).first, pid.leaf(repetition, component: 2), pid.leaf(repetition, component: 3)]
            let name = parts.compactMap { $0 }.joined(separator: " ")
            if !name.isEmpty {
                person.name = name
                break
            }
        }
        for repetition in pid.repetitions(13) {
            if let number = pid.leaf(repetition) {
                person.phone = number
                break
            }
            if let local = pid.leaf(repetition, component: 7) {
                let country = pid.leaf(repetition, component: 5).map { "+\($0) " } ?? ""
                person.phone = country + (pid.leaf(repetition, component: 6) ?? "") + local
                break
            }
        }
        if let address = pid.repetitions(11).first {
            let street = pid.subcomponents(address, component: 1).joined(separator: " ")
            let parts = [street] + (2...6).compactMap { pid.leaf(address, component: $0) }
            let text = parts.filter { !$0.isEmpty }.joined(separator: ", ")
            person.address = text.isEmpty ? nil : text
            // XAD-9 holds the county code: the 6-digit PRC division code when the lab fills it.
            // XAD-5 (postal code) is also 6 digits in China but is not a division code.
            if let county = pid.leaf(address, component: 9), county.utf8.count == 6,
               county.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                person.areaCode = Located(county, at: message.at(pid, field: 11, component: 9).pointer)
            }
        }
        return person
    }

    // MARK: Observations

    private func classify(_ obx: HL7v2Segment) -> Result<Observation, IntakeProblem> {
        let code = obx.value(3)
        let names = [obx.value(3, component: 2), obx.value(3, component: 5), obx.value(3, component: 9)].compactMap { $0 }
        if obx.value(29)?.uppercased() == "QST" || code.map(HL7v2Vocabulary.askAtOrderEntryCodes.contains) == true {
            return .success(.askAtOrderEntry)
        }
        let type = obx.value(2)?.uppercased()
        let typePointer = message.at(obx, field: 2).pointer
        let units = [obx.value(6), obx.value(6, component: 2)].compactMap { $0 }
        let knownCt = code.flatMap { HL7v2Vocabulary.ctCodes[$0] }
        if knownCt != nil || HL7v2Vocabulary.mentionsCt(names + units + (code.map { [$0] } ?? [])) {
            if let type, !HL7v2Vocabulary.numericTypes.contains(type) {
                return .failure(IntakeProblem(
                    code: HL7v2ProblemCode.obxValueType,
                    message: "OBX[\(obx.occurrence)] is a Ct value but OBX-2 is \(HL7v2ProblemCode.shown(type)); send Ct values as NM.",
                    pointer: typePointer
                ))
            }
            let fallbackName = names.first ?? code ?? "unspecified"
            let name = (knownCt ?? nil) ?? HL7v2Vocabulary.target(in: names + (code.map { [$0] } ?? [])) ?? fallbackName
            return ctValue(obx, type: type).map { ct in
                .ct(SubmittedTarget(name: Located(name, at: message.at(obx, field: 3).pointer), ct: ct))
            }
        }
        guard let type else {
            guard obx.value(5) == nil else {
                return .failure(IntakeProblem(
                    code: HL7v2ProblemCode.obxValueType,
                    message: "OBX[\(obx.occurrence)]-2 (value type) is empty but OBX-5 has a value; OBX-2 says how to read it.",
                    pointer: typePointer
                ))
            }
            return .success(.qualitative(rank: rank(code: code, names: names)))
        }
        guard HL7v2Vocabulary.dataTypes.contains(type) else {
            return .failure(IntakeProblem(
                code: HL7v2ProblemCode.obxValueType,
                message: "OBX[\(obx.occurrence)]-2 is \(HL7v2ProblemCode.shown(type)), which is not an HL7 data type.",
                pointer: typePointer
            ))
        }
        if HL7v2Vocabulary.qualitativeTypes.contains(type) {
            return .success(.qualitative(rank: rank(code: code, names: names)))
        }
        if let code, HL7v2Vocabulary.overallResultCodes.contains(code) {
            return .failure(IntakeProblem(
                code: HL7v2ProblemCode.obxValueType,
                message: "OBX[\(obx.occurrence)] is a SARS-CoV-2 result (\(code)) but OBX-2 is \(HL7v2ProblemCode.shown(type)); send it as CWE (coded) or ST.",
                pointer: typePointer
            ))
        }
        return .success(.unrelated)
    }

    /// 0: a known overall SARS-CoV-2 result; 1: names SARS-CoV-2 or a single target; 2: anything else.
    private func rank(code: String?, names: [String]) -> Int {
        if let code, HL7v2Vocabulary.overallResultCodes.contains(code) { return 0 }
        if HL7v2Vocabulary.mentionsSARSCoV2(names) {
            return HL7v2Vocabulary.mentionsTarget(names) ? 1 : 0
        }
        return 2
    }

    private func ctValue(_ obx: HL7v2Segment, type: String?) -> Result<Located<Double>?, IntakeProblem> {
        let pointer = message.at(obx, field: 5).pointer
        let text: String?
        if type == "SN" {
            // SN: comparator^number; only an exact value (no comparator or `=`) is a Ct.
            let comparator = obx.value(5)
            text = comparator == nil || comparator == "=" ? obx.value(5, component: 2) : comparator
        } else {
            text = obx.value(5)
        }
        guard let text else { return .success(nil) }
        guard let number = Double(text), number.isFinite else {
            return .failure(IntakeProblem(
                code: HL7v2ProblemCode.ctNotNumeric,
                message: "OBX[\(obx.occurrence)]-5 is a Ct value but not a number; send the number, or leave OBX-5 empty when the target did not amplify.",
                pointer: pointer
            ))
        }
        return .success(Located(number, at: pointer))
    }

    private func qualitativeValue(_ obx: HL7v2Segment) -> Located<String>? {
        let coded = obx.value(2).map { HL7v2Vocabulary.codedTypes.contains($0.uppercased()) } ?? false
        let value = coded ? obx.value(5) ?? obx.value(5, component: 2) ?? obx.value(5, component: 9) : obx.value(5)
        return value.map { Located($0, at: message.at(obx, field: 5).pointer) }
    }

    private func status(of obx: HL7v2Segment) -> Result<Located<SubmittedStatus>, IntakeProblem> {
        let pointer = message.at(obx, field: 11).pointer
        guard let code = obx.value(11)?.uppercased() else {
            return .failure(IntakeProblem(
                code: HL7v2ProblemCode.resultStatusMissing,
                message: "OBX[\(obx.occurrence)]-11 (result status) is empty; send F (final), C (corrected) or X (cancelled).",
                pointer: pointer
            ))
        }
        switch code {
        case "F": return .success(Located(.final, at: pointer))
        case "C": return .success(Located(.corrected, at: pointer))
        case "X", "D": return .success(Located(.cancelled, at: pointer))
        default:
            return .failure(IntakeProblem(
                code: HL7v2ProblemCode.resultStatusUnsupported,
                message: "OBX[\(obx.occurrence)]-11 is \(HL7v2ProblemCode.shown(code)); only F (final), C (corrected) and X or D (cancelled) results are accepted.",
                pointer: pointer
            ))
        }
    }

    private func timestamp(_ segment: HL7v2Segment, field: Int) -> Result<Located<Date>?, IntakeProblem> {
        guard let text = segment.value(field) else { return .success(nil) }
        let pointer = message.at(segment, field: field).pointer
        guard let date = HL7v2Timestamp.date(from: text) else {
            return .failure(IntakeProblem(
                code: HL7v2ProblemCode.timestampInvalid,
                message: "\(segment.id)[\(segment.occurrence)]-\(field) is not an HL7 timestamp (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]).",
                pointer: pointer
            ))
        }
        return .success(Located(date, at: pointer))
    }
}
