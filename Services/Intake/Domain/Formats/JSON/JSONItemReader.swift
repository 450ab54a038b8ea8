import FangyiEvents
import Foundation

/// Reads one result object of Fangyi's JSON format from a ``JSONCursor``, member by
/// member, into a ``SubmissionItem``.
///
/// A value of the wrong type is skipped and noted as a problem with its JSON pointer; the
/// item goes on being read so the cursor ends after the object, and the problem of the
/// lowest rank (``JSONItemField`` order, as the Foundation-based reader checked) makes the
/// item unreadable. Syntax errors throw: they spoil the whole body. Of repeated members
/// the first counts, as with Foundation's `JSONDecoder`.
///
/// Concurrency: a value used for one item on one thread.
struct JSONItemReader {
    private var result: SubmittedResult
    private var problems = JSONFirstProblem()
    /// The item's own JSON pointer: `/results/3`, or "" for a body that is one result.
    private let base: String
    /// The nesting depth of the item object.
    private let depth: Int

    private init(base: String, depth: Int) {
        result = SubmittedResult(pointer: base)
        self.base = base
        self.depth = depth
    }

    /// Reads the object at the cursor (at its `{`), nested at `depth`, whose pointer is `base`.
    static func read(_ cursor: inout JSONCursor, at base: String, depth: Int) throws(JSONSyntaxError) -> SubmissionItem {
        var reader = JSONItemReader(base: base, depth: depth)
        if try cursor.openObject(depth: depth) {
            var seen: UInt16 = 0
            repeat {
                let field = try cursor.key(JSONItemField.match)
                guard let field, seen & (1 << field.rawValue) == 0 else {
                    try cursor.skipValue(depth: depth)
                    continue
                }
                seen |= 1 << field.rawValue
                try reader.read(field, &cursor)
            } while try cursor.next(JSONByte.closeBrace)
        }
        if let problem = reader.problems.problem {
            return .unreadable(problem, specimenId: reader.result.specimenId?.value)
        }
        return .read(reader.result)
    }

    /// `base` followed by `/` and `name`, built in one allocation (an item has a dozen).
    static func pointer(_ base: String, _ name: String) -> String {
        var base = base
        var name = name
        return base.withUTF8 { head in
            name.withUTF8 { tail in
                String(unsafeUninitializedCapacity: head.count &+ 1 &+ tail.count) { buffer in
                    var end = buffer.initialize(fromContentsOf: head)
                    buffer[end] = UInt8(ascii: "/")
                    end &+= 1
                    end = buffer[end...].initialize(fromContentsOf: tail)
                    return end
                }
            }
        }
    }

    // MARK: - Fields

    private mutating func read(_ field: JSONItemField, _ cursor: inout JSONCursor) throws(JSONSyntaxError) {
        switch field {
        case .labId: result.labId = try located(field, &cursor)
        case .specimenId: result.specimenId = try located(field, &cursor)
        case .testCode: result.testCode = try located(field, &cursor)
        case .result: result.qualitativeResult = try located(field, &cursor)
        case .specimenType: result.specimenType = try located(field, &cursor)
        case .poolId: result.poolId = try located(field, &cursor)
        case .retestOfPoolId: result.retestOfPoolId = try located(field, &cursor)
        case .status:
            guard let status = try located(field, &cursor) else { return }
            guard let value = SubmittedStatus(rawValue: status.value.lowercased()) else {
                problems.note(rank: field.rank(), "status.unknown", "status must be final, corrected or cancelled", at: status.pointer)
                return
            }
            result.status = Located(value, at: status.pointer)
        case .collectedAt, .reportedAt:
            guard let text = try located(field, &cursor) else { return }
            guard let date = EventTimestamp.date(from: text.value) else {
                problems.note(rank: field.rank(), "datetime.invalid",
                              "\(field.name) must be an RFC 3339 date-time with an offset, like 2022-03-14T08:30:00+08:00", at: text.pointer)
                return
            }
            if field == .collectedAt {
                result.collectedAt = Located(date, at: text.pointer)
            } else {
                result.reportedAt = Located(date, at: text.pointer)
            }
        case .version:
            switch try cursor.peek() {
            case JSONByte.minus, JSONByte.zero ... JSONByte.nine:
                if let version = cursor.integer(try cursor.number()) {
                    result.version = Located(version, at: Self.pointer(base, field.name))
                    return
                }
            case UInt8(ascii: "n"):
                try cursor.null()
                return
            default:
                try cursor.skipValue(depth: depth)
            }
            problems.note(rank: field.rank(), "json.type", "version must be an integer", at: Self.pointer(base, field.name))
        case .targets:
            let pointer = Self.pointer(base, field.name)
            guard try container(JSONByte.openBracket, &cursor, in: depth, rank: field.rank(),
                                "targets must be an array of {target, ct}", at: pointer),
                  try cursor.openArray(depth: depth &+ 1) else { return }
            var index = 0
            repeat {
                try readTarget(&cursor, at: Self.pointer(pointer, String(index)))
                index &+= 1
            } while try cursor.next(JSONByte.closeBracket)
        case .person:
            let pointer = Self.pointer(base, field.name)
            guard try container(JSONByte.openBrace, &cursor, in: depth, rank: field.rank(), "person must be an object", at: pointer) else { return }
            result.person = try readPerson(&cursor, at: pointer, depth: depth &+ 1, rank: field.rank())
        case .poolMembers:
            let pointer = Self.pointer(base, field.name)
            guard try container(JSONByte.openBracket, &cursor, in: depth, rank: field.rank(),
                                "poolMembers must be an array of {specimenId, person}", at: pointer),
                  try cursor.openArray(depth: depth &+ 1) else { return }
            var index = 0
            repeat {
                try readPoolMember(&cursor, at: Self.pointer(pointer, String(index)))
                index &+= 1
            } while try cursor.next(JSONByte.closeBracket)
        }
    }

    /// Reads an item member where text belongs, located at its pointer.
    private mutating func located(_ field: JSONItemField, _ cursor: inout JSONCursor) throws(JSONSyntaxError) -> Located<String>? {
        let pointer = Self.pointer(base, field.name)
        guard let value = try text(&cursor, in: depth, rank: field.rank(), field.name, at: pointer) else { return nil }
        return Located(value, at: pointer)
    }

    /// Reads a value where text belongs: trimmed text, or nil for null and empty text. A
    /// value of another type is skipped and noted.
    private mutating func text(_ cursor: inout JSONCursor, in depth: Int, rank: Int, _ name: String,
                               at pointer: @autoclosure () -> String) throws(JSONSyntaxError) -> String? {
        switch try cursor.peek() {
        case JSONByte.quote:
            return try cursor.text()
        case UInt8(ascii: "n"):
            try cursor.null()
        default:
            try cursor.skipValue(depth: depth)
            problems.note(rank: rank, "json.type", "\(name) must be a string", at: pointer())
        }
        return nil
    }

    /// Where an object or array belongs (a member of a container at `depth`): true when
    /// the cursor is at its `opening`. Null is consumed as absent; another type is
    /// skipped and noted.
    private mutating func container(_ opening: UInt8, _ cursor: inout JSONCursor, in depth: Int, rank: Int, nullable: Bool = true,
                                    _ message: @autoclosure () -> String, at pointer: @autoclosure () -> String) throws(JSONSyntaxError) -> Bool {
        let next = try cursor.peek()
        if next == opening { return true }
        if nullable, next == UInt8(ascii: "n") {
            try cursor.null()
            return false
        }
        try cursor.skipValue(depth: depth)
        problems.note(rank: rank, "json.type", message(), at: pointer())
        return false
    }

    // MARK: - Nested objects

    /// Reads one element of `targets` (an element of the array at `depth + 1`).
    private mutating func readTarget(_ cursor: inout JSONCursor, at pointer: String) throws(JSONSyntaxError) {
        let rank = JSONItemField.targets.rank()
        let objectDepth = depth &+ 2
        guard try container(JSONByte.openBrace, &cursor, in: depth &+ 1, rank: rank, nullable: false,
                            "each target must be an object {target, ct}", at: pointer) else { return }
        var name: String?
        var ct: Double?
        if try cursor.openObject(depth: objectDepth) {
            var seen: UInt8 = 0
            repeat {
                let key = try cursor.key { key -> UInt8 in
                    JSONCursor.key(key, is: "target") ? 1 : JSONCursor.key(key, is: "ct") ? 2 : 0
                }
                guard key != 0, seen & key == 0 else {
                    try cursor.skipValue(depth: objectDepth)
                    continue
                }
                seen |= key
                if key == 1 {
                    name = try text(&cursor, in: objectDepth, rank: rank, "target", at: Self.pointer(pointer, "target"))
                } else {
                    ct = try number(&cursor, in: objectDepth, rank: rank, "ct", at: Self.pointer(pointer, "ct"))
                }
            } while try cursor.next(JSONByte.closeBrace)
        }
        let namePointer = Self.pointer(pointer, "target")
        guard let name else {
            problems.note(rank: JSONItemField.targets.rank(1), "target.missing", "each target needs its name (ORF1ab, N, E, RdRP)", at: namePointer)
            return
        }
        result.targets.append(SubmittedTarget(name: Located(name, at: namePointer), ct: ct.map { Located($0, at: Self.pointer(pointer, "ct")) }))
    }

    /// Reads a value where a number belongs: a finite `Double`, or nil for null. Another
    /// type, or a number a `Double` cannot hold (1e400), is skipped and noted.
    private mutating func number(_ cursor: inout JSONCursor, in depth: Int, rank: Int, _ name: String,
                                 at pointer: @autoclosure () -> String) throws(JSONSyntaxError) -> Double? {
        switch try cursor.peek() {
        case JSONByte.minus, JSONByte.zero ... JSONByte.nine:
            let token = try cursor.number()
            let value = cursor.double(token)
            // Like Foundation's decoder, refuse what rounds to infinity or underflows to zero.
            if value.isFinite, value != 0 || !token.isNonZero { return value }
        case UInt8(ascii: "n"):
            try cursor.null()
            return nil
        default:
            try cursor.skipValue(depth: depth)
        }
        problems.note(rank: rank, "json.type", "\(name) must be a number", at: pointer())
        return nil
    }

    /// Reads one element of `poolMembers` (an element of the array at `depth + 1`).
    private mutating func readPoolMember(_ cursor: inout JSONCursor, at pointer: String) throws(JSONSyntaxError) {
        let rank = JSONItemField.poolMembers.rank()
        let objectDepth = depth &+ 2
        guard try container(JSONByte.openBrace, &cursor, in: depth &+ 1, rank: rank, nullable: false,
                            "each pool member must be an object {specimenId, person}", at: pointer) else { return }
        var member = SubmittedPoolMember(specimenId: nil, person: SubmittedPerson())
        if try cursor.openObject(depth: objectDepth) {
            var seen: UInt8 = 0
            repeat {
                let key = try cursor.key { key -> UInt8 in
                    JSONCursor.key(key, is: "specimenId") ? 1 : JSONCursor.key(key, is: "person") ? 2 : 0
                }
                guard key != 0, seen & key == 0 else {
                    try cursor.skipValue(depth: objectDepth)
                    continue
                }
                seen |= key
                if key == 1 {
                    let specimenPointer = Self.pointer(pointer, "specimenId")
                    member.specimenId = try text(&cursor, in: objectDepth, rank: rank, "specimenId", at: specimenPointer)
                        .map { Located($0, at: specimenPointer) }
                } else {
                    let personPointer = Self.pointer(pointer, "person")
                    guard try container(JSONByte.openBrace, &cursor, in: objectDepth, rank: rank, "person must be an object", at: personPointer)
                    else { continue }
                    member.person = try readPerson(&cursor, at: personPointer, depth: objectDepth &+ 1, rank: rank)
                }
            } while try cursor.next(JSONByte.closeBrace)
        }
        result.poolMembers.append(member)
    }

    /// Reads a person object (the cursor at its `{`, nested at `depth`).
    private mutating func readPerson(_ cursor: inout JSONCursor, at pointer: String, depth: Int, rank: Int) throws(JSONSyntaxError) -> SubmittedPerson {
        var person = SubmittedPerson()
        guard try cursor.openObject(depth: depth) else { return person }
        var seen: UInt8 = 0
        repeat {
            let field = try cursor.key(JSONPersonField.match)
            guard let field, seen & (1 << field.rawValue) == 0 else {
                try cursor.skipValue(depth: depth)
                continue
            }
            seen |= 1 << field.rawValue
            guard let value = try text(&cursor, in: depth, rank: rank, field.name, at: Self.pointer(pointer, field.name)) else { continue }
            switch field {
            case .nationalId: person.nationalId = Located(value, at: Self.pointer(pointer, field.name))
            case .identifier: person.identifier = Located(value, at: Self.pointer(pointer, field.name))
            case .assigningAuthority: person.assigningAuthority = Located(value, at: Self.pointer(pointer, field.name))
            case .areaCode: person.areaCode = Located(value, at: Self.pointer(pointer, field.name))
            case .name: person.name = value
            case .phone: person.phone = value
            case .address: person.address = value
            }
        } while try cursor.next(JSONByte.closeBrace)
        return person
    }
}
