public import Foundation

/// Builds the HL7 v2.5.1 `ACK^R01^ACK` answering one ORU^R01 message.
///
/// MSA-1 is `AR` when the message was rejected as a whole (``HL7v2Message/messageProblem``),
/// `AE` when any item was rejected and `AA` otherwise; MSA-2 echoes MSH-10. Each problem
/// becomes one ERR segment: ERR-2 the error location parsed from the problem's pointer
/// (left empty when it names no segment), ERR-3 the HL7 table 0357 code
/// (``HL7v2ProblemCode/table0357(for:)``), ERR-4 `E`, ERR-7 our stable code and ERR-8
/// our message. The acknowledgement uses the message's delimiters (without a v2.7
/// truncation character, since it declares 2.5.1) and escapes every value with them.
/// Accepted items' event ids have no place in an ACK and are not written.
///
/// Pure: the caller passes the time and the new control id.
/// Concurrency: stateless; call from anywhere.
public enum HL7v2Acknowledgement {
    /// The acknowledgement of `message`, its segments joined with CR (no MLLP framing).
    ///
    /// - Parameters:
    ///   - message: the message being answered.
    ///   - outcomes: one per item of `message`, in item order; ignored when the message was rejected.
    ///   - now: the time written to MSH-7.
    ///   - controlID: MSH-10 of the acknowledgement itself.
    public static func make(for message: HL7v2Message, outcomes: [HL7v2ItemOutcome], now: Date, controlID: String) -> String {
        var encoding = message.encoding
        encoding.truncationCharacter = nil
        let separator = String(encoding.fieldSeparator)
        let component = String(encoding.componentSeparator)
        func segment(_ fields: [String]) -> String {
            var fields = fields
            while fields.count > 1, fields.last?.isEmpty == true { fields.removeLast() }
            return fields.joined(separator: separator)
        }
        func escaped(_ text: String?) -> String { text.map(encoding.escape) ?? "" }

        let header = segment([
            "MSH",
            encoding.encodingCharacters,
            escaped(message.receivingApplication),
            escaped(message.receivingFacility),
            escaped(message.sendingApplication),
            escaped(message.sendingFacility),
            HL7v2Timestamp.string(from: now),
            "",
            ["ACK", "R01", "ACK"].joined(separator: component),
            escaped(controlID),
            escaped(message.processingID ?? "P"),
            "2.5.1",
        ])

        let problems: [IntakeProblem]
        let code: String
        if let problem = message.messageProblem {
            problems = [problem]
            code = "AR"
        } else {
            problems = outcomes.compactMap { outcome in
                if case .rejected(let problem) = outcome { problem } else { nil }
            }
            code = problems.isEmpty ? "AA" : "AE"
        }
        let acknowledgment = segment(["MSA", code, escaped(message.controlID)])

        let errors = problems.map { problem in
            let (hl7Code, hl7Text) = HL7v2ProblemCode.table0357(for: problem.code)
            return segment([
                "ERR",
                "",
                errorLocation(problem.pointer, encoding: encoding),
                [hl7Code, escaped(hl7Text), "HL70357"].joined(separator: component),
                "E",
                "",
                "",
                escaped(problem.code),
                escaped(problem.message),
            ])
        }
        return ([header, acknowledgment] + errors).joined(separator: "\r")
    }

    /// ERR-2 (ERL): segment id^sequence^field^repetition^component, from a pointer.
    private static func errorLocation(_ pointer: String, encoding: HL7v2Encoding) -> String {
        guard let location = HL7v2Location(pointer: pointer), let segment = location.segment else { return "" }
        var parts = [segment, String(location.occurrence)]
        if let field = location.field {
            parts += [String(field), "1"]
            if let component = location.component {
                parts.append(String(component))
            }
        }
        return parts.map(encoding.escape).joined(separator: String(encoding.componentSeparator))
    }
}
