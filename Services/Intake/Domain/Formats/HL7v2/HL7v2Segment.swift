/// One segment of a message, split into fields but with values still escaped.
///
/// Fields are numbered as HL7 numbers them: `fields[0]` is the segment id, and for
/// MSH `fields[1]` is the field separator itself and `fields[2]` the encoding
/// characters, so `field(n)` is SEG-n for every segment. Every accessor returns nil
/// rather than trapping when a position is absent.
struct HL7v2Segment: Sendable {
    /// The three-character segment id (`PID`, `OBX`, ...).
    var id: String
    /// 1-based occurrence of ``id`` within its message, for pointers like `OBX[2]-5`.
    var occurrence: Int
    /// Raw fields, indexed by HL7 field number.
    var fields: [Substring]
    /// The delimiters of the message the segment belongs to.
    var encoding: HL7v2Encoding

    /// Splits a segment line; `line` must start with a valid segment id.
    init(line: Substring, id: String, occurrence: Int, encoding: HL7v2Encoding) {
        self.id = id
        self.occurrence = occurrence
        self.encoding = encoding
        var fields = HL7v2Encoding.split(line, at: encoding.fieldSeparator)
        if id == "MSH" {
            fields.insert(Substring(String(encoding.fieldSeparator)), at: 1)
        }
        self.fields = fields
    }

    /// SEG-`number` as written (escaped, all repetitions), or nil when absent.
    func rawField(_ number: Int) -> Substring? {
        guard number >= 0, number < fields.count else { return nil }
        return fields[number]
    }

    /// The repetitions of SEG-`number`, raw; empty when the field is absent or empty.
    func repetitions(_ number: Int) -> [Substring] {
        guard let raw = rawField(number), !raw.isEmpty else { return [] }
        if id == "MSH", number <= 2 { return [raw] }
        return HL7v2Encoding.split(raw, at: encoding.repetitionSeparator)
    }

    /// One leaf value of SEG-`number`: unescaped, trimmed, nil when empty.
    func value(_ number: Int, repetition: Int = 0, component: Int = 1, subcomponent: Int = 1) -> String? {
        let reps = repetitions(number)
        guard repetition >= 0, repetition < reps.count else { return nil }
        return leaf(reps[repetition], component: component, subcomponent: subcomponent)
    }

    /// One leaf of a raw field repetition: component and subcomponent are 1-based.
    func leaf(_ repetition: Substring, component: Int = 1, subcomponent: Int = 1) -> String? {
        let components = HL7v2Encoding.split(repetition, at: encoding.componentSeparator)
        guard component >= 1, component <= components.count else { return nil }
        let subcomponents = HL7v2Encoding.split(components[component - 1], at: encoding.subcomponentSeparator)
        guard subcomponent >= 1, subcomponent <= subcomponents.count else { return nil }
        return Self.trimmed(encoding.unescape(subcomponents[subcomponent - 1]))
    }

    /// All subcomponents of one component, unescaped and trimmed, empty ones left out.
    func subcomponents(_ repetition: Substring, component: Int) -> [String] {
        let components = HL7v2Encoding.split(repetition, at: encoding.componentSeparator)
        guard component >= 1, component <= components.count else { return [] }
        return HL7v2Encoding.split(components[component - 1], at: encoding.subcomponentSeparator)
            .compactMap { Self.trimmed(encoding.unescape($0)) }
    }

    /// `text` without surrounding whitespace; nil when nothing is left.
    static func trimmed(_ text: String) -> String? {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return nil }
        return String(scalars[first...last])
    }
}
