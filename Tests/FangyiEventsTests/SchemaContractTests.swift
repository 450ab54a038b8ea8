import Foundation
import Testing
@testable import FangyiEvents

/// Code and schemas must not drift: every example in every schema validates, decodes into the
/// Swift type and re-encodes to the same JSON; Swift-built values validate; and invalid payloads
/// fail both the schema and Swift decoding, naming the same field.
@Suite("Event schemas and Swift types agree")
struct SchemaContractTests {
    static let eventTypeNames = TopicCatalog.eventTypes.map { $0.eventType }

    @Test("schema metadata matches the Swift type", arguments: eventTypeNames)
    func metadata(eventType: String) throws {
        let schema = try EventSchema.load(eventType: eventType)
        let type = schema.type
        #expect(schema.document["$schema"] == .string("https://json-schema.org/draft/2020-12/schema"))
        #expect(schema.document["$id"] == .string(type.schemaURI))
        #expect(type.schemaURI == "https://fangyi.dev/schemas/\(type.schemaName).json")
        #expect(type.eventType == "fangyi." + type.schemaName)
        #expect(schema.document["title"] == .string(String(describing: type)))
        #expect(schema.document["x-fangyi-event-type"] == .string(type.eventType))
        #expect(schema.document["x-fangyi-topic"] == .string(type.topic.name))
        #expect(schema.document["type"] == .string("object"))
        #expect(schema.document["additionalProperties"] == .bool(false))
        let key = try #require(schema.document["x-fangyi-key"]?.stringValue)
        #expect(schema.required.contains(key), "the partition key field must be required")
        #expect(schema.validator.unsupportedKeywords() == [])
    }

    @Test("examples validate, decode, re-encode identically and validate again", arguments: eventTypeNames)
    func examplesRoundTrip(eventType: String) throws {
        let schema = try EventSchema.load(eventType: eventType)
        #expect(!schema.examples.isEmpty)
        var covered: Set<String> = []
        for example in schema.examples {
            #expect(schema.validator.validate(example) == [], "example: \(example)")
            covered.formUnion(example.objectValue.map { Array($0.keys) } ?? [])
            try roundTrip(schema.type, example: example, schema: schema)
        }
        #expect(covered == Set(schema.properties.keys), "together the examples set every property")
    }

    private func roundTrip<E: KeyedEvent>(_: E.Type, example: JSONValue, schema: EventSchema) throws {
        let decoded = try record(type: E.eventType, payload: example.bytes()).decode(E.self)
        let reencoded = try JSONValue.parse(EventJSON.encode(decoded))
        #expect(reencoded == example)
        #expect(schema.validator.validate(reencoded) == [])
        let again = try record(type: E.eventType, payload: reencoded.bytes()).decode(E.self)
        #expect(again == decoded)
        let key = try #require(schema.document["x-fangyi-key"]?.stringValue)
        #expect(example[key] == .string(decoded.partitionKey))
    }

    @Test("a Swift-built instance with only required fields validates and round-trips", arguments: eventTypeNames)
    func swiftBuiltSampleValidates(eventType: String) throws {
        let schema = try EventSchema.load(eventType: eventType)
        let sample = try #require(EventSamples.minimal.first { type(of: $0).eventType == eventType })
        try checkSample(sample, schema: schema)
    }

    private func checkSample<E: KeyedEvent>(_ sample: E, schema: EventSchema) throws {
        let envelope = try EventEnvelope.make(
            sample, id: EventID.derive(E.self, from: ["sample"]), source: "fangyi/test",
            time: Date(timeIntervalSince1970: 1_647_246_600)
        )
        let json = try JSONValue.parse(envelope.data)
        #expect(schema.validator.validate(json) == [], "\(json)")
        #expect(Set(json.objectValue.map { Array($0.keys) } ?? []) == Set(schema.required))
        #expect(try envelope.decode(E.self) == sample)
    }

    @Test("every event type has exactly one Swift sample")
    func samplesCoverEveryType() {
        let sampled = EventSamples.minimal.map { type(of: $0).eventType }
        #expect(sampled.sorted() == Self.eventTypeNames.sorted())
    }

    @Test("a missing required field fails the schema and Swift decoding, naming the field", arguments: eventTypeNames)
    func missingRequiredField(eventType: String) throws {
        let schema = try EventSchema.load(eventType: eventType)
        let example = try #require(schema.examples.first)
        #expect(!schema.required.isEmpty)
        for field in schema.required {
            let broken = example.setting(field, to: nil)
            let issues = schema.validator.validate(broken)
            #expect(issues.contains { $0.pointer == "/\(field)" && $0.message.contains("required") }, "\(field): \(issues)")
            let error = try decodeFailure(schema.type, broken)
            #expect(error.code == EnvelopeError.Code.missingField)
            #expect(error.field == "/\(field)")
            #expect(error.message.contains(field))
        }
    }

    @Test("an unknown enum value fails the schema and Swift decoding, naming the field", arguments: eventTypeNames)
    func unknownEnumValue(eventType: String) throws {
        let schema = try EventSchema.load(eventType: eventType)
        let example = try #require(schema.examples.first)
        for (field, _) in schema.properties {
            guard let allowed = schema.resolvedProperty(field)?["enum"]?.arrayValue else { continue }
            let broken = example.setting(field, to: .string("notAKnownValue"))
            let issues = schema.validator.validate(broken)
            #expect(issues.contains { $0.pointer == "/\(field)" }, "\(field): \(issues)")
            let error = try decodeFailure(schema.type, broken)
            #expect(error.code == EnvelopeError.Code.invalidField)
            #expect(error.field == "/\(field)")
            #expect(error.message.contains("notAKnownValue"))
            if let first = allowed.first?.stringValue {
                #expect(error.message.contains(first), "the message lists the allowed values")
            }
        }
    }

    @Test("a malformed date fails the schema and Swift decoding, naming the field", arguments: eventTypeNames)
    func malformedDate(eventType: String) throws {
        let schema = try EventSchema.load(eventType: eventType)
        let example = try #require(schema.examples.first)
        var dateFields = 0
        for (field, property) in schema.properties where property["format"] == .string("date-time") {
            dateFields += 1
            for bad in ["2022-13-01T00:00:00.000Z", "2022-03-14 08:30:00", "yesterday", "2022-02-30T00:00:00Z"] {
                let broken = example.setting(field, to: .string(bad))
                let issues = schema.validator.validate(broken)
                #expect(issues.contains { $0.pointer == "/\(field)" }, "\(field)=\(bad): \(issues)")
                let error = try decodeFailure(schema.type, broken)
                #expect(error.code == EnvelopeError.Code.invalidField)
                #expect(error.field == "/\(field)")
            }
        }
        #expect(dateFields > 0, "every event carries at least one time")
    }

    @Test("a wrongly typed field fails the schema and Swift decoding", arguments: eventTypeNames)
    func wrongType(eventType: String) throws {
        let schema = try EventSchema.load(eventType: eventType)
        let example = try #require(schema.examples.first)
        for field in schema.required {
            let broken = example.setting(field, to: .object(["unexpected": .bool(true)]))
            #expect(!schema.validator.validate(broken).isEmpty, "\(field)")
            let error = try decodeFailure(schema.type, broken)
            #expect(error.field?.hasPrefix("/\(field)") == true, "\(field): \(error)")
        }
    }

    @Test("unknown fields are refused by the schema but ignored by Swift decoders", arguments: eventTypeNames)
    func unknownFieldTolerance(eventType: String) throws {
        let schema = try EventSchema.load(eventType: eventType)
        let example = try #require(schema.examples.first)
        let extended = example.setting("fieldFromTheFuture", to: .string("v1.1"))
        #expect(schema.validator.validate(extended).contains { $0.pointer == "/fieldFromTheFuture" })
        try decodesIgnoringExtra(schema.type, original: example, extended: extended)
    }

    private func decodesIgnoringExtra<E: KeyedEvent>(_: E.Type, original: JSONValue, extended: JSONValue) throws {
        let fromOriginal = try record(type: E.eventType, payload: original.bytes()).decode(E.self)
        let fromExtended = try record(type: E.eventType, payload: extended.bytes()).decode(E.self)
        #expect(fromOriginal == fromExtended)
    }

    @Test("a nested invalid value is reported with its full JSON pointer")
    func nestedPointer() throws {
        let schema = try EventSchema.load(LabResultRecorded.self)
        let example = try #require(schema.examples.first)
        let targets: JSONValue = .array([
            .object(["target": .string("ORF1ab"), "ct": .number(20)]),
            .object(["target": .string("ORF9"), "ct": .number(21)]),
        ])
        let broken = example.setting("targets", to: targets)
        #expect(schema.validator.validate(broken).contains { $0.pointer == "/targets/1/target" })
        let error = try decodeFailure(LabResultRecorded.self, broken)
        #expect(error.field == "/targets/1/target")
        #expect(error.message.contains("ORF1ab, N, E, RdRP, IgM, IgG"))

        let missingTarget = example.setting("targets", to: .array([.object(["ct": .number(20)])]))
        #expect(schema.validator.validate(missingTarget).contains { $0.pointer == "/targets/0/target" })
        #expect(try decodeFailure(LabResultRecorded.self, missingTarget).field == "/targets/0/target")
    }

    @Test("closed vocabularies in schemas equal the Swift enums")
    func vocabulariesMatch() throws {
        var seen: Set<String> = []
        for type in TopicCatalog.eventTypes {
            let schema = try EventSchema.load(type)
            for (name, definition) in schema.document["$defs"]?.objectValue ?? [:] {
                guard let values = definition["enum"]?.arrayValue else { continue }
                let swiftValues = try #require(EventSamples.vocabularies[name], "no Swift enum named \(name)")
                #expect(values.compactMap(\.stringValue) == swiftValues, "\(type.schemaName) $defs/\(name)")
                seen.insert(name)
            }
        }
        #expect(seen == Set(EventSamples.vocabularies.keys), "every Swift vocabulary appears in some schema")
    }

    @Test("every shipped schema belongs to exactly one event type")
    func schemaFilesMatchTypes() {
        let names = TopicCatalog.eventTypes.map { $0.schemaName }
        #expect(Set(names).count == names.count)
        #expect(SchemaRegistry.schemaNames == names.sorted())
        #expect(SchemaRegistry.schema(named: "no.such.schema.v1") == nil)
    }

    private func decodeFailure<E: KeyedEvent>(_: E.Type, _ payload: JSONValue) throws -> EnvelopeError {
        let envelope = try record(type: E.eventType, payload: payload.bytes())
        switch Result(catching: { () throws(EnvelopeError) in try envelope.decode(E.self) }) {
        case .success(let value):
            throw TestFailure("decoding unexpectedly succeeded: \(value)")
        case .failure(let error):
            return error
        }
    }
}
