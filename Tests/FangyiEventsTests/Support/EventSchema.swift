import Foundation
@testable import FangyiEvents

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One event type together with its parsed schema file.
struct EventSchema {
    let type: any KeyedEvent.Type
    let document: JSONValue
    let validator: SchemaValidator

    static func load(eventType: String) throws -> EventSchema {
        guard let type = TopicCatalog.eventType(named: eventType) else {
            throw TestFailure("no Swift type for \(eventType)")
        }
        return try load(type)
    }

    static func load(_ type: any KeyedEvent.Type) throws -> EventSchema {
        guard let bytes = SchemaRegistry.schema(for: type) else {
            throw TestFailure("no schema resource for \(type.schemaName)")
        }
        let document = try JSONValue.parse(bytes)
        return EventSchema(type: type, document: document, validator: SchemaValidator(schema: document))
    }

    var examples: [JSONValue] { document["examples"]?.arrayValue ?? [] }
    var required: [String] { document["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    var properties: [String: JSONValue] { document["properties"]?.objectValue ?? [:] }

    /// The property schema with a local `$ref` followed once (enough for Fangyi's flat `$defs`).
    func resolvedProperty(_ name: String) -> JSONValue? {
        guard let property = properties[name] else { return nil }
        if let reference = property["$ref"]?.stringValue, reference.hasPrefix("#/$defs/") {
            return document["$defs"]?[String(reference.dropFirst("#/$defs/".count))]
        }
        return property
    }
}

/// Builds a record the way a producer would, without going through `EventEnvelope.make`, so the
/// decoding path is tested on bytes it did not write itself.
func record(
    type: String, payload: [UInt8], dropping dropped: Set<String> = [],
    overriding overrides: [String: String?] = [:]
) throws(EnvelopeError) -> EventEnvelope {
    var headers: [(key: String, value: [UInt8]?)] = [
        ("ce_specversion", Array("1.0".utf8)),
        ("ce_id", Array("0b8e5d2c-41f7-5a93-8c6e-2f9d7b3a4e15".utf8)),
        ("ce_source", Array("fangyi/test".utf8)),
        ("ce_type", Array(type.utf8)),
        ("ce_time", Array("2022-03-14T08:30:00.000Z".utf8)),
        ("content-type", Array("application/json".utf8)),
        ("ce_dataschema", Array("https://fangyi.dev/schemas/test.json".utf8)),
    ]
    headers.removeAll { dropped.contains($0.key) }
    for (name, value) in overrides {
        headers.removeAll { $0.key == name }
        headers.append((name, value.map { Array($0.utf8) }))
    }
    return try EventEnvelope(headers: headers, value: payload)
}
