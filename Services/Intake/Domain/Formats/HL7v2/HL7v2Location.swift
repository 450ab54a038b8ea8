/// A place in an HL7 v2 body: `message[M]/SEG[n]-F.C`, with the parts after `message[M]` optional.
///
/// Formats the pointers the reader puts on values and problems, and parses them back
/// (also pointers the shared validator copied from a ``Located`` value) into an HL7
/// error location (ERL) for ERR-2.
struct HL7v2Location: Sendable, Equatable {
    /// 1-based message index in the body.
    var message: Int
    /// Segment id, when the place is inside a segment.
    var segment: String?
    /// 1-based occurrence of ``segment`` in the message.
    var occurrence: Int = 1
    /// HL7 field number.
    var field: Int?
    /// 1-based component number.
    var component: Int?

    /// The pointer text.
    var pointer: String {
        var text = "message[\(message)]"
        guard let segment else { return text }
        text += "/\(segment)[\(occurrence)]"
        guard let field else { return text }
        text += "-\(field)"
        guard let component else { return text }
        return text + ".\(component)"
    }

    init(message: Int, segment: String? = nil, occurrence: Int = 1, field: Int? = nil, component: Int? = nil) {
        self.message = message
        self.segment = segment
        self.occurrence = occurrence
        self.field = field
        self.component = component
    }

    /// Parses a pointer; nil when it is not of this shape.
    init?(pointer: String) {
        var rest = Substring(pointer)
        guard rest.hasPrefix("message["), let close = rest.firstIndex(of: "]") else { return nil }
        guard let message = Int(rest[rest.index(rest.startIndex, offsetBy: 8)..<close]) else { return nil }
        self.message = message
        rest = rest[rest.index(after: close)...]
        guard rest.hasPrefix("/") else {
            guard rest.isEmpty else { return nil }
            return
        }
        rest = rest.dropFirst()
        guard let open = rest.firstIndex(of: "["), let shut = rest.firstIndex(of: "]"), open < shut,
              let occurrence = Int(rest[rest.index(after: open)..<shut])
        else { return nil }
        let segment = rest[..<open]
        guard segment.count == 3, segment.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else { return nil }
        self.segment = String(segment)
        self.occurrence = occurrence
        rest = rest[rest.index(after: shut)...]
        guard rest.hasPrefix("-") else {
            guard rest.isEmpty else { return nil }
            return
        }
        let numbers = rest.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count <= 2, let field = numbers.first.flatMap({ Int($0) }) else { return nil }
        self.field = field
        if numbers.count == 2 {
            guard let component = Int(numbers[1]) else { return nil }
            self.component = component
        }
    }

    /// A location in the same message.
    func at(_ segment: HL7v2Segment, field: Int? = nil, component: Int? = nil) -> HL7v2Location {
        HL7v2Location(message: message, segment: segment.id, occurrence: segment.occurrence, field: field, component: component)
    }
}
