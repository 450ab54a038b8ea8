/// The stable codes of the problems the HL7 v2 reader reports, and the HL7 table 0357
/// code each becomes in ERR-3 of an acknowledgement.
///
/// Message problems (the whole message is rejected, MSA-1 `AR`): ``mshMissing``,
/// ``mshMalformed``, ``segmentMalformed``, ``controlIDMissing``, ``messageTypeMissing``,
/// ``messageTypeUnsupported``, ``versionMissing``, ``versionUnsupported``,
/// ``segmentOrder``, ``pidMissing``, ``obrMissing``, ``truncated``. Item problems (one
/// OBR group is unreadable): ``obxMissing``, ``obxValueType``, ``ctNotNumeric``,
/// ``resultStatusMissing``, ``resultStatusUnsupported``, ``timestampInvalid``.
///
/// Concurrency: constants only.
public enum HL7v2ProblemCode {
    /// Text where a message should start does not start with an MSH segment.
    public static let mshMissing = "hl7.msh.missing"
    /// MSH-1/MSH-2 do not declare five distinct delimiters (or six with the truncation character).
    public static let mshMalformed = "hl7.msh.malformed"
    /// A line inside a message is not a segment (a three-character id and the field separator).
    public static let segmentMalformed = "hl7.segment.malformed"
    /// MSH-10 is empty.
    public static let controlIDMissing = "hl7.control_id.missing"
    /// MSH-9 is empty.
    public static let messageTypeMissing = "hl7.message_type.missing"
    /// MSH-9 is not `ORU^R01`.
    public static let messageTypeUnsupported = "hl7.message_type.unsupported"
    /// MSH-12 is empty.
    public static let versionMissing = "hl7.version.missing"
    /// MSH-12 is not 2.3.1, 2.4, 2.5 or 2.5.1.
    public static let versionUnsupported = "hl7.version.unsupported"
    /// A segment sits where the ORU^R01 structure does not allow it.
    public static let segmentOrder = "hl7.segment_order"
    /// An OBR group has no PID before it.
    public static let pidMissing = "hl7.pid.missing"
    /// The message has no OBR, or ends with a PID or ORC that no OBR follows.
    public static let obrMissing = "hl7.obr.missing"
    /// The message was cut off: an MLLP frame, batch or file was not closed, or a batch
    /// trailer counts more messages than arrived.
    public static let truncated = "hl7.truncated"
    /// An OBR group has no result OBX (only ask-at-order-entry or unrelated observations).
    public static let obxMissing = "hl7.obx.missing"
    /// OBX-2 is empty while OBX-5 is not, is not an HL7 data type, or does not fit the observation.
    public static let obxValueType = "hl7.obx.value_type"
    /// A Ct observation's OBX-5 is not a number.
    public static let ctNotNumeric = "hl7.ct.not_numeric"
    /// OBX-11 is empty.
    public static let resultStatusMissing = "hl7.result_status.missing"
    /// OBX-11 is not F, C, X or D.
    public static let resultStatusUnsupported = "hl7.result_status.unsupported"
    /// A date/time field is not an HL7 timestamp.
    public static let timestampInvalid = "hl7.timestamp.invalid"

    /// The HL7 table 0357 code and text for a problem code, for ERR-3.
    ///
    /// Codes from other parts of intake (the shared validator's) are mapped by their last
    /// part: `.missing` → 101, `.invalid`/`.format`/`.not_numeric` → 102,
    /// `.unknown`/`.unsupported` → 103; anything else is 207, an application error.
    public static func table0357(for code: String) -> (code: String, text: String) {
        switch code {
        case mshMissing, segmentMalformed, segmentOrder, pidMissing, obrMissing, truncated, obxMissing:
            return ("100", "Segment sequence error")
        case controlIDMissing, messageTypeMissing, versionMissing, resultStatusMissing:
            return ("101", "Required field missing")
        case mshMalformed, obxValueType, ctNotNumeric, timestampInvalid:
            return ("102", "Data type error")
        case resultStatusUnsupported:
            return ("103", "Table value not found")
        case messageTypeUnsupported:
            return ("200", "Unsupported message type")
        case versionUnsupported:
            return ("203", "Unsupported version id")
        default:
            break
        }
        let last = code.split(separator: ".").last.map(String.init) ?? code
        switch last {
        case "missing": return ("101", "Required field missing")
        case "invalid", "format", "not_numeric": return ("102", "Data type error")
        case "unknown", "unsupported": return ("103", "Table value not found")
        default: return ("207", "Application internal error")
        }
    }

    /// A code from the message as a problem message may quote it: codes are not personal
    /// data, but a field that is long or holds spaces may not be a code at all.
    static func shown(_ code: String) -> String {
        let fits = code.unicodeScalars.count <= 16
            && code.unicodeScalars.allSatisfy { $0.isASCII && !$0.properties.isWhitespace && $0.value >= 0x21 }
        return fits ? "'\(code)'" : "an unrecognised value"
    }
}
