import Foundation

/// A JSON Schema (draft 2020-12) validator for exactly the subset Fangyi's schemas use:
/// `type`, `enum`, `const`, `required`, `properties`, `additionalProperties`, `items`,
/// `minItems`/`maxItems`, `minimum`/`maximum`, `minLength`/`maxLength`, `pattern`,
/// `format: date-time`, local `$ref` (`#/...`), `allOf`/`anyOf`/`oneOf`.
/// Anything else is reported by ``unsupportedKeywords()`` so that a schema cannot quietly use a
/// keyword this validator would ignore.
struct SchemaValidator {
    struct Issue: CustomStringConvertible, Equatable {
        /// JSON pointer of the offending instance location.
        var pointer: String
        var message: String
        var description: String { "\(pointer.isEmpty ? "/" : pointer): \(message)" }
    }

    static let assertions: Set<String> = [
        "type", "enum", "const", "required", "properties", "additionalProperties", "items", "minItems", "maxItems",
        "minimum", "maximum", "minLength", "maxLength", "pattern", "format", "$ref", "allOf", "anyOf", "oneOf",
    ]
    static let annotations: Set<String> = ["$schema", "$id", "$defs", "title", "description", "examples", "$comment"]

    let root: JSONValue

    init(schema: JSONValue) {
        self.root = schema
    }

    func validate(_ instance: JSONValue) -> [Issue] {
        var issues: [Issue] = []
        validate(instance, against: root, at: "", into: &issues)
        return issues
    }

    /// Keywords anywhere in the schema that this validator does not implement (`x-` keywords
    /// are Fangyi annotations and allowed at the top level).
    func unsupportedKeywords() -> [String] {
        var found: [String] = []
        func walk(_ schema: JSONValue, path: String) {
            guard case .object(let members) = schema else { return }
            for (keyword, value) in members {
                let known = Self.assertions.contains(keyword) || Self.annotations.contains(keyword)
                    || (path.isEmpty && keyword.hasPrefix("x-"))
                if !known { found.append("\(path)/\(keyword)") }
                switch keyword {
                case "properties", "$defs":
                    for (name, child) in value.objectValue ?? [:] { walk(child, path: "\(path)/\(keyword)/\(name)") }
                case "items", "additionalProperties":
                    walk(value, path: "\(path)/\(keyword)")
                case "allOf", "anyOf", "oneOf":
                    for (index, child) in (value.arrayValue ?? []).enumerated() {
                        walk(child, path: "\(path)/\(keyword)/\(index)")
                    }
                case "format":
                    if value != .string("date-time") { found.append("\(path)/format=\(value)") }
                default:
                    break
                }
            }
        }
        walk(root, path: "")
        return found.sorted()
    }

    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node = root
        for token in reference.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch node {
            case .object(let members):
                guard let next = members[key] else { return nil }
                node = next
            case .array(let items):
                guard let index = Int(key), items.indices.contains(index) else { return nil }
                node = items[index]
            default:
                return nil
            }
        }
        return node
    }

    private func validate(_ instance: JSONValue, against schema: JSONValue, at pointer: String, into issues: inout [Issue]) {
        if case .bool(let allowed) = schema {
            if !allowed { issues.append(Issue(pointer: pointer, message: "no value is allowed here")) }
            return
        }
        guard case .object(let keywords) = schema else {
            issues.append(Issue(pointer: pointer, message: "schema is not an object"))
            return
        }
        func fail(_ message: String, at location: String? = nil) {
            issues.append(Issue(pointer: location ?? pointer, message: message))
        }

        if case .string(let reference)? = keywords["$ref"] {
            if let target = resolve(reference) {
                validate(instance, against: target, at: pointer, into: &issues)
            } else {
                fail("unresolvable $ref \(reference)")
            }
        }

        if let type = keywords["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? []
            if !allowed.contains(where: { Self.matches(instance, type: $0) }) {
                fail("expected \(allowed.joined(separator: " or ")), found \(Self.typeName(instance))")
                return
            }
        }
        if let values = keywords["enum"]?.arrayValue, !values.contains(instance) {
            fail("value \(instance) is not one of \(values.map(\.description).joined(separator: ", "))")
        }
        if let value = keywords["const"], value != instance {
            fail("value \(instance) is not \(value)")
        }

        switch instance {
        case .object(let members):
            for case .string(let name) in keywords["required"]?.arrayValue ?? [] where members[name] == nil {
                fail("required property '\(name)' is missing", at: "\(pointer)/\(name)")
            }
            let properties = keywords["properties"]?.objectValue ?? [:]
            for (name, value) in members {
                if let propertySchema = properties[name] {
                    validate(value, against: propertySchema, at: "\(pointer)/\(name)", into: &issues)
                } else if let additional = keywords["additionalProperties"] {
                    if additional == .bool(false) {
                        fail("property '\(name)' is not allowed", at: "\(pointer)/\(name)")
                    } else {
                        validate(value, against: additional, at: "\(pointer)/\(name)", into: &issues)
                    }
                }
            }
        case .array(let items):
            if case .number(let minimum)? = keywords["minItems"], Double(items.count) < minimum {
                fail("expected at least \(Int(minimum)) items, found \(items.count)")
            }
            if case .number(let maximum)? = keywords["maxItems"], Double(items.count) > maximum {
                fail("expected at most \(Int(maximum)) items, found \(items.count)")
            }
            if let itemSchema = keywords["items"] {
                for (index, item) in items.enumerated() {
                    validate(item, against: itemSchema, at: "\(pointer)/\(index)", into: &issues)
                }
            }
        case .number(let number):
            if case .number(let minimum)? = keywords["minimum"], number < minimum {
                fail("\(number) is less than the minimum \(minimum)")
            }
            if case .number(let maximum)? = keywords["maximum"], number > maximum {
                fail("\(number) is greater than the maximum \(maximum)")
            }
        case .string(let text):
            let length = text.unicodeScalars.count
            if case .number(let minimum)? = keywords["minLength"], Double(length) < minimum {
                fail("string is shorter than \(Int(minimum))")
            }
            if case .number(let maximum)? = keywords["maxLength"], Double(length) > maximum {
                fail("string is longer than \(Int(maximum))")
            }
            if case .string(let pattern)? = keywords["pattern"] {
                if let regex = try? NSRegularExpression(pattern: pattern) {
                    let range = NSRange(text.startIndex..., in: text)
                    if regex.firstMatch(in: text, range: range) == nil {
                        fail("string does not match pattern \(pattern)")
                    }
                } else {
                    fail("invalid pattern \(pattern)")
                }
            }
            if keywords["format"] == .string("date-time"), !Self.isDateTime(text) {
                fail("'\(text)' is not an RFC 3339 date-time")
            }
        default:
            break
        }

        for subschema in keywords["allOf"]?.arrayValue ?? [] {
            validate(instance, against: subschema, at: pointer, into: &issues)
        }
        if let choices = keywords["anyOf"]?.arrayValue {
            let passing = choices.filter { choice in
                var scratch: [Issue] = []
                validate(instance, against: choice, at: pointer, into: &scratch)
                return scratch.isEmpty
            }
            if passing.isEmpty { fail("value matches none of anyOf") }
        }
        if let choices = keywords["oneOf"]?.arrayValue {
            let passing = choices.filter { choice in
                var scratch: [Issue] = []
                validate(instance, against: choice, at: pointer, into: &scratch)
                return scratch.isEmpty
            }
            if passing.count != 1 { fail("value matches \(passing.count) of oneOf, expected exactly 1") }
        }
    }

    static func matches(_ instance: JSONValue, type: String) -> Bool {
        switch (type, instance) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array),
             ("object", .object):
            return true
        case ("integer", .number(let value)):
            return value.rounded() == value
        default:
            return false
        }
    }

    static func typeName(_ instance: JSONValue) -> String {
        switch instance {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// RFC 3339 `date-time`, checked independently of the production parser. Leap seconds are
    /// not accepted (Fangyi documents that it rejects them).
    static func isDateTime(_ text: String) -> Bool {
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else { return false }
        func field(_ index: Int) -> Int? {
            guard let range = Range(match.range(at: index), in: text) else { return nil }
            return Int(text[range])
        }
        guard let year = field(1), let month = field(2), let day = field(3), let hour = field(4),
              let minute = field(5), let second = field(6)
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), day >= 1, day <= monthDays[month - 1], hour < 24, minute < 60, second < 60
        else { return false }
        if let offsetHour = field(9), let offsetMinute = field(10) {
            return offsetHour < 24 && offsetMinute < 60
        }
        return true
    }
}
