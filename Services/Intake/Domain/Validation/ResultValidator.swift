public import FangyiEvents
public import Foundation

/// Decides whether a submitted item is accepted, the same way for every format, and turns
/// it into the event intake publishes: checks the lab, specimen, test, times and Ct values,
/// interprets the result under the policy, pseudonymises the person (subject ref) and seals
/// their contact details.
///
/// Pure apart from sealing's random nonce: the clock is passed in. Concurrency: `Sendable`;
/// one instance serves every request.
public struct ResultValidator: Sendable {
    /// The policy in force.
    public let policy: InterpretationPolicy
    private let interpreter: CtInterpreter
    private let subjects: SubjectRefGenerator
    private let sealer: ContactSealer

    /// The longest specimen, pool or lab id accepted.
    public static let maxIdentifierLength = 64

    /// The largest item accepted, counted as the UTF-8 bytes of all its text (a 1 MB "name"
    /// would otherwise travel sealed on Kafka to every consumer).
    public let maxItemBytes: Int

    /// Creates a validator.
    public init(policy: InterpretationPolicy, subjects: SubjectRefGenerator, sealer: ContactSealer, maxItemBytes: Int = 64 * 1024) {
        self.maxItemBytes = maxItemBytes
        self.policy = policy
        self.interpreter = CtInterpreter(policy: policy)
        self.subjects = subjects
        self.sealer = sealer
    }

    /// Validates `item`, submitted by `lab` and received at `now`.
    public func validate(_ item: SubmittedResult, lab: LabAccount, now: Date) -> Result<AcceptedResult, IntakeProblem> {
        do throws(IntakeProblem) {
            return .success(try accept(item, lab: lab, now: now))
        } catch {
            return .failure(error)
        }
    }

    private func accept(_ item: SubmittedResult, lab: LabAccount, now: Date) throws(IntakeProblem) -> AcceptedResult {
        let size = Self.textBytes(item)
        guard size <= maxItemBytes else {
            throw IntakeProblem(code: "item.too_large", message: "the item holds \(size) bytes of text; the limit is \(maxItemBytes)",
                                pointer: item.pointer)
        }
        if let stated = item.labId, stated.value != lab.id {
            throw IntakeProblem(code: "lab.mismatch",
                                message: "the item names another lab than the one that submitted it; a lab submits under its own lab id",
                                pointer: stated.pointer)
        }
        let status = item.status?.value ?? .final
        let version = item.version?.value ?? (status == .final ? 1 : nil)
        if let v = item.version, v.value < 1 {
            throw IntakeProblem(code: "version.invalid", message: "the result version must be 1 or more", pointer: v.pointer)
        }
        guard let testCode = item.testCode else {
            throw IntakeProblem(code: "test_code.missing", message: "the test code (LOINC) is missing",
                                pointer: item.pointer + Self.suffix(item.pointer, "testCode"))
        }
        guard let kind = LabCodes.testKinds[testCode.value.trimmingWhitespace] else {
            throw IntakeProblem(code: "test_code.unknown",
                                message: "test code '\(Self.printable(testCode.value))' is not a known SARS-CoV-2 LOINC code",
                                pointer: testCode.pointer)
        }
        let (collectedAt, reportedAt) = try times(item, now: now)
        let targets = try readTargets(item.targets)
        let interpretation = try interpret(item, kind: kind, targets: targets, status: status)
        let specimenType = try readSpecimenType(item)
        let isPool = item.poolId != nil || !item.poolMembers.isEmpty
        if isPool {
            return try acceptPool(item, lab: lab, interpretation: interpretation, kind: kind,
                                  collectedAt: collectedAt, reportedAt: reportedAt)
        }
        guard let specimen = item.specimenId else {
            throw IntakeProblem(code: "specimen_id.missing", message: "the specimen id is missing",
                                pointer: item.pointer + Self.suffix(item.pointer, "specimenId"))
        }
        let specimenId = try Self.identifier(specimen, code: "specimen_id")
        let (subjectRef, areaCode, contact) = try person(item.person, lab: lab, itemPointer: item.pointer)
        let versionKey = version.map { "v\($0)" } ?? "\(status.rawValue)@\(Int64((reportedAt.timeIntervalSince1970 * 1000).rounded()))"
        let eventID = EventID.derive(LabResultRecorded.self, from: [lab.id, specimenId, versionKey])
        let supersedes = version.flatMap { $0 > 1 ? EventID.string(EventID.derive(LabResultRecorded.self, from: [lab.id, specimenId, "v\($0 - 1)"])) : nil }
        var sealed: SealedBlob?
        if let contact {
            do {
                sealed = try sealer.seal(contact, for: subjectRef)
            } catch {
                throw IntakeProblem(code: "contact.unsealable", message: "the contact details could not be sealed: \(error.code)",
                                    pointer: item.pointer)
            }
        }
        var retestOf: String?
        if let pool = item.retestOfPoolId { retestOf = try Self.identifier(pool, code: "pool_id") }
        let event = LabResultRecorded(
            resultId: EventID.string(EventID.derive(["lab-result", lab.id, specimenId])),
            labId: lab.id, specimenId: specimenId, version: version ?? 2, status: Self.resultStatus(status),
            subjectRef: subjectRef, sealedContact: sealed, areaCode: areaCode, testKind: kind,
            specimenType: specimenType, targets: targets, interpretation: interpretation,
            isScreeningOnly: kind == .antigen, collectedAt: collectedAt, reportedAt: reportedAt,
            poolId: retestOf, supersedes: supersedes
        )
        return AcceptedResult(event: .individual(event), eventID: eventID, specimenId: specimenId, testKind: kind)
    }

    private func acceptPool(_ item: SubmittedResult, lab: LabAccount, interpretation: Interpretation, kind: TestKind,
                            collectedAt: Date, reportedAt: Date) throws(IntakeProblem) -> AcceptedResult {
        guard let poolField = item.poolId ?? item.specimenId else {
            throw IntakeProblem(code: "pool_id.missing", message: "a pooled result needs its pool id",
                                pointer: item.pointer + Self.suffix(item.pointer, "poolId"))
        }
        let poolId = try Self.identifier(poolField, code: "pool_id")
        guard !item.poolMembers.isEmpty else {
            throw IntakeProblem(code: "pool.members_missing", message: "a pooled result must list its members",
                                pointer: item.pointer + Self.suffix(item.pointer, "poolMembers"))
        }
        guard item.poolMembers.count <= policy.maxPoolMembers else {
            throw IntakeProblem(code: "pool.too_large",
                                message: "a pool may have at most \(policy.maxPoolMembers) members; this one has \(item.poolMembers.count)",
                                pointer: item.pointer + Self.suffix(item.pointer, "poolMembers"))
        }
        guard kind == .pcr else {
            throw IntakeProblem(code: "pool.test_kind", message: "only PCR (nucleic acid) tests are pooled", pointer: item.testCode?.pointer ?? item.pointer)
        }
        var members: [PoolMember] = []
        var areaCode: String?
        for (index, member) in item.poolMembers.enumerated() {
            let memberPointer = item.pointer + Self.suffix(item.pointer, "poolMembers/\(index)")
            let (subjectRef, area, _) = try person(member.person, lab: lab, itemPointer: memberPointer)
            areaCode = areaCode ?? area
            let tube = try member.specimenId.map { (field) throws(IntakeProblem) in try Self.identifier(field, code: "specimen_id") }
            members.append(PoolMember(subjectRef: subjectRef, specimenId: tube ?? "\(poolId)#\(index + 1)"))
        }
        let status = item.status?.value ?? .final
        let version = item.version?.value ?? 1
        let versionKey = status == .final ? "v\(version)" : "\(status.rawValue)-v\(version)"
        let eventID = EventID.derive(PoolResultRecorded.self, from: [lab.id, poolId, versionKey])
        let event = PoolResultRecorded(poolId: poolId, labId: lab.id, areaCode: areaCode ?? lab.defaultAreaCode ?? "000000",
                                       members: members, interpretation: interpretation,
                                       collectedAt: collectedAt, reportedAt: reportedAt)
        return AcceptedResult(event: .pool(event), eventID: eventID, specimenId: poolId, testKind: kind)
    }

    private func times(_ item: SubmittedResult, now: Date) throws(IntakeProblem) -> (Date, Date) {
        guard let collected = item.collectedAt else {
            throw IntakeProblem(code: "collected_at.missing", message: "the specimen collection time is missing",
                                pointer: item.pointer + Self.suffix(item.pointer, "collectedAt"))
        }
        let latest = now.addingTimeInterval(policy.clockSkewSeconds)
        guard collected.value <= latest else {
            throw IntakeProblem(code: "collected_at.future", message: "the collection time is in the future", pointer: collected.pointer)
        }
        let reported = item.reportedAt ?? Located(now, at: item.pointer)
        guard reported.value <= latest else {
            throw IntakeProblem(code: "reported_at.future", message: "the report time is in the future", pointer: reported.pointer)
        }
        guard collected.value <= reported.value else {
            throw IntakeProblem(code: "collected_at.after_reported",
                                message: "the specimen was collected after the result was reported", pointer: collected.pointer)
        }
        return (collected.value, reported.value)
    }

    private func readTargets(_ submitted: [SubmittedTarget]) throws(IntakeProblem) -> [TargetResult] {
        var targets: [TargetResult] = []
        for reading in submitted {
            guard let target = LabCodes.target(reading.name.value) else {
                throw IntakeProblem(code: "target.unknown",
                                    message: "assay target '\(Self.printable(reading.name.value))' is not one of ORF1ab, N, E, RdRP",
                                    pointer: reading.name.pointer)
            }
            if let ct = reading.ct {
                guard ct.value.isFinite, policy.plausibleCtRange.contains(ct.value) else {
                    throw IntakeProblem(code: "ct.out_of_range",
                                        message: "a Ct value must lie between \(policy.plausibleCtRange.lowerBound) and \(policy.plausibleCtRange.upperBound)",
                                        pointer: ct.pointer)
                }
            }
            guard !targets.contains(where: { $0.target == target }) else {
                throw IntakeProblem(code: "target.duplicate", message: "target \(target.rawValue) is reported twice", pointer: reading.name.pointer)
            }
            targets.append(TargetResult(target: target, ct: reading.ct?.value))
        }
        return targets
    }

    private func interpret(_ item: SubmittedResult, kind: TestKind, targets: [TargetResult],
                           status: SubmittedStatus) throws(IntakeProblem) -> Interpretation {
        var qualitative: QualitativeResult?
        if let raw = item.qualitativeResult {
            guard let reading = LabCodes.qualitative(raw.value) else {
                throw IntakeProblem(code: "result.unknown",
                                    message: "result '\(Self.printable(raw.value))' is not a known result code (SNOMED CT 260373001, 260415000, 419984006, or detected/not detected/inconclusive)",
                                    pointer: raw.pointer)
            }
            qualitative = reading
        }
        if kind == .pcr, !targets.isEmpty {
            return interpreter.interpret(targets)
        }
        switch qualitative {
        case .detected: return .positive
        case .notDetected: return .negative
        case .inconclusive: return .inconclusive
        case nil:
            // A cancellation withdraws a result; it need not restate one.
            if status == .cancelled { return .inconclusive }
            throw IntakeProblem(code: "result.missing", message: "the item has neither a result code nor Ct values",
                                pointer: item.pointer + Self.suffix(item.pointer, "result"))
        }
    }

    private func readSpecimenType(_ item: SubmittedResult) throws(IntakeProblem) -> SpecimenType {
        guard let raw = item.specimenType else {
            throw IntakeProblem(code: "specimen_type.missing", message: "the specimen type is missing",
                                pointer: item.pointer + Self.suffix(item.pointer, "specimenType"))
        }
        guard let type = LabCodes.specimenType(raw.value) else {
            throw IntakeProblem(code: "specimen_type.unknown",
                                message: "specimen type '\(Self.printable(raw.value))' is not known (use a SNOMED CT code such as 258500001)",
                                pointer: raw.pointer)
        }
        return type
    }

    /// The subject ref, the area code and the contact details of `person`.
    private func person(_ person: SubmittedPerson, lab: LabAccount,
                        itemPointer: String) throws(IntakeProblem) -> (String, String, ContactDetails?) {
        let id: NationalID
        do {
            if let national = person.nationalId {
                id = try NationalID.normalize(national.value)
            } else if let other = person.identifier {
                guard let authority = person.assigningAuthority else {
                    throw IntakeProblem(code: "patient_id.authority_missing",
                                        message: "an identifier other than a resident ID needs its assigning authority",
                                        pointer: other.pointer)
                }
                id = try NationalID.normalize(identifier: other.value, authority: authority.value)
            } else {
                throw IntakeProblem(code: "subject.missing", message: "the person has no national ID or patient identifier",
                                    pointer: itemPointer + Self.suffix(itemPointer, "person"))
            }
        } catch let error as IdentityError {
            let pointer = error.field == "authority" ? (person.assigningAuthority?.pointer ?? itemPointer)
                : (person.nationalId?.pointer ?? person.identifier?.pointer ?? itemPointer)
            throw IntakeProblem(code: error.code, message: error.message, pointer: pointer)
        } catch let error as IntakeProblem {
            throw error
        } catch {
            throw IntakeProblem(code: "subject.invalid", message: "the person's identifier could not be read", pointer: itemPointer)
        }
        let areaCode = person.areaCode?.value ?? lab.defaultAreaCode
        guard let areaCode else {
            throw IntakeProblem(code: "area_code.missing", message: "the person's area code is missing and the lab has no default area",
                                pointer: itemPointer + Self.suffix(itemPointer, "person/areaCode"))
        }
        guard areaCode.utf8.count == 6, areaCode.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw IntakeProblem(code: "area_code.invalid", message: "an area code is the 6-digit administrative division code",
                                pointer: person.areaCode?.pointer ?? itemPointer)
        }
        var contact: ContactDetails?
        if person.name != nil || person.phone != nil {
            contact = ContactDetails(name: person.name ?? "", phone: person.phone ?? "", address: person.address)
        }
        return (subjects.subjectRef(for: id), areaCode, contact)
    }

    private static func identifier(_ field: Located<String>, code: String) throws(IntakeProblem) -> String {
        let value = field.value.trimmingWhitespace
        guard !value.isEmpty else {
            throw IntakeProblem(code: "\(code).missing", message: "the \(code.replacingOccurrences(of: "_", with: " ")) is empty", pointer: field.pointer)
        }
        guard value.utf8.count <= maxIdentifierLength, value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw IntakeProblem(code: "\(code).invalid",
                                message: "the \(code.replacingOccurrences(of: "_", with: " ")) must be 1 to \(maxIdentifierLength) printable ASCII characters without spaces",
                                pointer: field.pointer)
        }
        return value
    }

    private static func textBytes(_ item: SubmittedResult) -> Int {
        func bytes(_ person: SubmittedPerson) -> Int {
            [person.nationalId?.value, person.identifier?.value, person.assigningAuthority?.value, person.name,
             person.phone, person.address, person.areaCode?.value].reduce(0) { $0 + ($1?.utf8.count ?? 0) }
        }
        var total = bytes(item.person) + item.poolMembers.reduce(0) { $0 + bytes($1.person) + ($1.specimenId?.value.utf8.count ?? 0) }
        for text in [item.labId, item.specimenId, item.testCode, item.qualitativeResult, item.specimenType, item.poolId, item.retestOfPoolId] {
            total += text?.value.utf8.count ?? 0
        }
        return total + item.targets.reduce(0) { $0 + $1.name.value.utf8.count + 8 }
    }

    private static func resultStatus(_ status: SubmittedStatus) -> ResultStatus {
        switch status {
        case .final: .final
        case .corrected: .corrected
        case .cancelled: .cancelled
        }
    }

    /// Quotes a code the lab sent, cut short and stripped of control characters. Only for
    /// codes (test, result, target): never personal values.
    static func printable(_ raw: String) -> String {
        let cleaned = String(raw.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(40).map(Character.init))
        return cleaned
    }

    /// The JSON-pointer suffix for a missing field: `/name` under a JSON pointer, `: name` otherwise.
    static func suffix(_ base: String, _ field: String) -> String {
        base.hasPrefix("/") || base.isEmpty ? "/\(field)" : " \(field)"
    }
}
