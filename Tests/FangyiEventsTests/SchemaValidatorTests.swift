import Foundation
import Testing

/// The validator must be able to fail, or the contract tests prove nothing.
@Suite("Test-side JSON Schema validator")
struct SchemaValidatorTests {
    let schema: JSONValue = .object([
        "type": .string("object"),
        "required": .array([.string("id"), .string("at")]),
        "additionalProperties": .bool(false),
        "properties": .object([
            "id": .object(["type": .string("string"), "minLength": .number(1), "pattern": .string("^[a-z]+$")]),
            "at": .object(["type": .string("string"), "format": .string("date-time")]),
            "count": .object(["type": .string("integer"), "minimum": .number(0), "maximum": .number(10)]),
            "kind": .object(["$ref": .string("#/$defs/Kind")]),
            "list": .object(["type": .string("array"), "minItems": .number(1), "items": .object(["type": .string("number")])]),
            "either": .object(["oneOf": .array([.object(["type": .string("string")]), .object(["type": .string("integer")])])]),
            "any": .object(["anyOf": .array([.object(["type": .string("boolean")]), .object(["type": .string("null")])])]),
        ]),
        "$defs": .object(["Kind": .object(["type": .string("string"), "enum": .array([.string("a"), .string("b")])])]),
    ])

    func issues(_ json: String) throws -> [String] {
        try SchemaValidator(schema: schema).validate(JSONValue.parse(Array(json.utf8))).map(\.description)
    }

    @Test("a valid instance has no issues")
    func valid() throws {
        #expect(try issues(#"{"id":"abc","at":"2022-03-14T08:30:00.000Z","count":3,"kind":"a","list":[1.5],"either":"x","any":null}"#) == [])
        #expect(try issues(#"{"id":"abc","at":"2022-03-14T08:30:00+08:00","count":3.0,"either":4}"#) == [])
    }

    @Test("each keyword can fail", arguments: [
        (#"{"at":"2022-03-14T08:30:00Z"}"#, "/id: required"),
        (#"{"id":"abc","at":"2022-03-14T08:30:00Z","extra":1}"#, "/extra: property 'extra' is not allowed"),
        (#"{"id":"ABC","at":"2022-03-14T08:30:00Z"}"#, "/id: string does not match"),
        (#"{"id":"","at":"2022-03-14T08:30:00Z"}"#, "/id: string is shorter"),
        (#"{"id":7,"at":"2022-03-14T08:30:00Z"}"#, "/id: expected string, found number"),
        (#"{"id":"abc","at":"2022-03-14"}"#, "/at: '2022-03-14' is not an RFC 3339"),
        (#"{"id":"abc","at":"2022-02-30T00:00:00Z"}"#, "/at: '2022-02-30T00:00:00Z' is not"),
        (#"{"id":"abc","at":"2022-03-14T08:30:00Z","count":11}"#, "/count: 11.0 is greater"),
        (#"{"id":"abc","at":"2022-03-14T08:30:00Z","count":-1}"#, "/count: -1.0 is less"),
        (#"{"id":"abc","at":"2022-03-14T08:30:00Z","count":1.5}"#, "/count: expected integer"),
        (#"{"id":"abc","at":"2022-03-14T08:30:00Z","count":true}"#, "/count: expected integer, found boolean"),
        (#"{"id":"abc","at":"2022-03-14T08:30:00Z","kind":"c"}"#, "/kind: value \"c\" is not one of"),
        (#"{"id":"abc","at":"2022-03-14T08:30:00Z","list":[]}"#, "/list: expected at least 1"),
        (#"{"id":"abc","at":"2022-03-14T08:30:00Z","list":["x"]}"#, "/list/0: expected number"),
        (#"{"id":"abc","at":"2022-03-14T08:30:00Z","either":true}"#, "/either: value matches 0 of oneOf"),
        (#"{"id":"abc","at":"2022-03-14T08:30:00Z","any":1}"#, "/any: value matches none of anyOf"),
        (#"[1]"#, "/: expected object, found array"),
    ])
    func failures(json: String, expected: String) throws {
        let found = try issues(json)
        #expect(found.contains { $0.hasPrefix(expected) }, "\(found)")
    }

    @Test("unsupported keywords are reported, not ignored")
    func unsupported() {
        let validator = SchemaValidator(schema: .object([
            "type": .string("object"),
            "properties": .object(["a": .object(["type": .string("string"), "format": .string("email")]),
                                   "b": .object(["if": .object([:])])]),
            "x-fangyi-topic": .string("alerts.v1"),
        ]))
        #expect(validator.unsupportedKeywords() == ["/properties/a/format=\"email\"", "/properties/b/if"])
    }
}
