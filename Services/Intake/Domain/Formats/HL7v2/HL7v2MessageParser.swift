/// Reads one message's lines (the first should be its MSH) into an ``HL7v2Message``:
/// the header, a structural check against the ORU^R01 message structure, and one item
/// per OBR group.
///
/// ORU^R01 as checked: `MSH [{SFT}] { [PID [PD1] [{NK1}] [PV1 [PV2]]] { [ORC] OBR
/// [{TQ1 [TQ2]}] [CTD] [{OBX}] [{FT1}] [{CTI}] [{SPM [{OBX}]}] } } [DSC]`, with NTE
/// allowed (and ignored) anywhere, and Z-segments and segments the structure does not
/// name ignored, as HL7's receiver rules ask. The order inside the patient and timing
/// parts is not checked: it carries nothing we read.
struct HL7v2MessageParser {
    /// MSH-12 versions accepted. 2.3.1 and 2.4 are accepted because many ELR senders
    /// still use them and every field we read sits at the same position; they have no
    /// SPM, so the specimen falls back to OBR-3/ORC-3 and OBR-15.
    static let supportedVersions: Set<String> = ["2.3.1", "2.4", "2.5", "2.5.1"]

    private enum Position {
        case header, software, patient, commonOrder, order, specimen, end
    }

    /// Parses one message; never traps, whatever the lines hold.
    static func parse(lines: [Substring], index: Int) -> HL7v2Message {
        var message = HL7v2Message(index: index)
        let here = HL7v2Location(message: index)
        guard let first = lines.first, first.unicodeScalars.starts(with: "MSH".unicodeScalars) else {
            message.messageProblem = IntakeProblem(
                code: HL7v2ProblemCode.mshMissing,
                message: "Message \(index) does not start with an MSH segment; every message must begin with MSH.",
                pointer: here.pointer
            )
            return message
        }
        guard let encoding = HL7v2Encoding.declared(in: first.unicodeScalars.dropFirst(3)) else {
            message.messageProblem = IntakeProblem(
                code: HL7v2ProblemCode.mshMalformed,
                message: "MSH-1 and MSH-2 must declare the field separator and four or five distinct encoding characters (for example |^~\\&), none a letter, digit or space.",
                pointer: HL7v2Location(message: index, segment: "MSH", field: 2).pointer
            )
            return message
        }
        message.encoding = encoding
        let msh = HL7v2Segment(line: first, id: "MSH", occurrence: 1, encoding: encoding)
        readHeader(msh, into: &message)
        if let problem = headerProblem(msh, message: message, at: here) {
            message.messageProblem = problem
            return message
        }

        var segments: [HL7v2Segment] = []
        var counts: [String: Int] = ["MSH": 1]
        for (offset, line) in lines.enumerated().dropFirst() {
            guard let id = segmentID(of: line, separator: encoding.fieldSeparator) else {
                message.messageProblem = IntakeProblem(
                    code: HL7v2ProblemCode.segmentMalformed,
                    message: "Line \(offset + 1) of message \(index) is not a segment: a segment starts with a three-character id (letters and digits) followed by the field separator.",
                    pointer: here.pointer
                )
                return message
            }
            let occurrence = (counts[id] ?? 0) + 1
            counts[id] = occurrence
            segments.append(HL7v2Segment(line: line, id: id, occurrence: occurrence, encoding: encoding))
        }

        switch orderGroups(of: segments, at: here) {
        case .failure(let problem):
            message.messageProblem = problem
        case .success(let groups):
            let reader = HL7v2ResultReader(header: msh, message: here)
            message.items = groups.map(reader.item(for:))
        }
        return message
    }

    private static func readHeader(_ msh: HL7v2Segment, into message: inout HL7v2Message) {
        message.sendingApplication = msh.value(3)
        message.sendingFacility = msh.value(4)
        message.receivingApplication = msh.value(5)
        message.receivingFacility = msh.value(6)
        message.controlID = msh.value(10)
        message.processingID = msh.value(11)
        message.versionID = msh.value(12)
        if let code = msh.value(9) {
            message.messageType = [code, msh.value(9, component: 2)].compactMap { $0 }.joined(separator: "^")
        }
    }

    private static func headerProblem(_ msh: HL7v2Segment, message: HL7v2Message, at here: HL7v2Location) -> IntakeProblem? {
        guard let code = msh.value(9) else {
            return IntakeProblem(
                code: HL7v2ProblemCode.messageTypeMissing,
                message: "MSH-9 (message type) is empty; this endpoint accepts ORU^R01.",
                pointer: here.at(msh, field: 9).pointer
            )
        }
        let event = msh.value(9, component: 2)
        guard code.uppercased() == "ORU", event?.uppercased() == "R01" else {
            let stated = [code, event].compactMap { $0 }.joined(separator: "^")
            return IntakeProblem(
                code: HL7v2ProblemCode.messageTypeUnsupported,
                message: "MSH-9 is \(HL7v2ProblemCode.shown(stated)); this endpoint accepts only ORU^R01 (unsolicited observation results).",
                pointer: here.at(msh, field: 9).pointer
            )
        }
        guard let version = message.versionID else {
            return IntakeProblem(
                code: HL7v2ProblemCode.versionMissing,
                message: "MSH-12 (version id) is empty; send 2.5.1.",
                pointer: here.at(msh, field: 12).pointer
            )
        }
        guard supportedVersions.contains(version) else {
            return IntakeProblem(
                code: HL7v2ProblemCode.versionUnsupported,
                message: "MSH-12 is \(HL7v2ProblemCode.shown(version)); this endpoint reads HL7 v2.5.1 (and 2.5, 2.4, 2.3.1).",
                pointer: here.at(msh, field: 12).pointer
            )
        }
        guard message.controlID != nil else {
            return IntakeProblem(
                code: HL7v2ProblemCode.controlIDMissing,
                message: "MSH-10 (message control id) is empty; it is required to acknowledge the message.",
                pointer: here.at(msh, field: 10).pointer
            )
        }
        return nil
    }

    /// The segment id a line starts with, when the line is shaped like a segment.
    static func segmentID(of line: Substring, separator: Unicode.Scalar?) -> String? {
        let scalars = line.unicodeScalars
        var iterator = scalars.makeIterator()
        var id = String.UnicodeScalarView()
        for position in 0..<3 {
            guard let scalar = iterator.next(), scalar.isASCII else { return nil }
            let isUpper = scalar.properties.isUppercase
            let isDigit = scalar.properties.numericType != nil
            guard isUpper || (position > 0 && isDigit) else { return nil }
            id.append(scalar)
        }
        if let next = iterator.next() {
            if let separator {
                guard next == separator else { return nil }
            } else if next.properties.isAlphabetic || next.properties.numericType != nil {
                return nil
            }
        }
        return String(id)
    }

    private static func orderGroups(of segments: [HL7v2Segment], at here: HL7v2Location) -> Result<[HL7v2OrderGroup], IntakeProblem> {
        var position = Position.header
        var groups: [HL7v2OrderGroup] = []
        var patient: HL7v2Segment?
        var commonOrder: HL7v2Segment?
        var previous = "MSH"
        var lastOpening: HL7v2Segment?

        func misplaced(_ segment: HL7v2Segment, _ why: String) -> IntakeProblem {
            IntakeProblem(
                code: HL7v2ProblemCode.segmentOrder,
                message: "\(segment.id)[\(segment.occurrence)] follows \(previous), which ORU^R01 does not allow: \(why)",
                pointer: here.at(segment).pointer
            )
        }

        for segment in segments {
            if position == .end {
                return .failure(misplaced(segment, "DSC must be the last segment."))
            }
            switch segment.id {
            case "SFT":
                guard position == .header || position == .software else {
                    return .failure(misplaced(segment, "SFT segments come right after MSH."))
                }
                position = .software
            case "PID":
                guard position != .patient, position != .commonOrder else {
                    return .failure(misplaced(segment, "each PID must be followed by at least one OBR."))
                }
                patient = segment
                lastOpening = segment
                position = .patient
            case "PD1", "NK1", "PV1", "PV2":
                guard position == .patient else {
                    return .failure(misplaced(segment, "\(segment.id) belongs right after its PID, before any ORC or OBR."))
                }
            case "ORC":
                guard position != .commonOrder else {
                    return .failure(misplaced(segment, "each ORC must be followed by its OBR."))
                }
                commonOrder = segment
                lastOpening = segment
                position = .commonOrder
            case "OBR":
                groups.append(HL7v2OrderGroup(
                    patient: patient,
                    commonOrder: position == .commonOrder ? commonOrder : nil,
                    request: segment
                ))
                position = .order
            case "TQ1", "TQ2", "CTD", "FT1", "CTI":
                guard position == .order else {
                    return .failure(misplaced(segment, "\(segment.id) belongs to an OBR and comes before its SPM."))
                }
            case "OBX":
                switch position {
                case .order:
                    if let last = groups.indices.last { groups[last].observations.append(segment) }
                case .specimen:
                    break  // a specimen observation: not a result of the order
                default:
                    return .failure(misplaced(segment, "every OBX belongs to an OBR (or SPM) that must come before it."))
                }
            case "SPM":
                guard position == .order || position == .specimen else {
                    return .failure(misplaced(segment, "every SPM belongs to an OBR that must come before it."))
                }
                if let last = groups.indices.last { groups[last].specimens.append(segment) }
                position = .specimen
            case "DSC":
                position = .end
            default:
                break  // NTE, Z-segments and segments ORU^R01 does not name carry nothing we read
            }
            previous = segment.id
        }

        guard !groups.isEmpty, position != .patient, position != .commonOrder else {
            let opening = lastOpening.map { " after \($0.id)[\($0.occurrence)]" } ?? ""
            return .failure(IntakeProblem(
                code: HL7v2ProblemCode.obrMissing,
                message: "Message \(here.message) has no OBR\(opening); every result needs an OBR with its OBX rows. The message may have been cut off.",
                pointer: lastOpening.map { here.at($0).pointer } ?? here.pointer
            ))
        }
        if let orphan = groups.first(where: { $0.patient == nil }) {
            return .failure(IntakeProblem(
                code: HL7v2ProblemCode.pidMissing,
                message: "OBR[\(orphan.request.occurrence)] has no PID before it; every result must name the tested person in a PID segment.",
                pointer: here.at(orphan.request).pointer
            ))
        }
        return .success(groups)
    }
}
