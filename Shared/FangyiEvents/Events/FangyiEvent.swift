/// A Fangyi v1 event payload: the JSON `data` of a CloudEvents record on one topic.
///
/// Conforming types are plain `Codable` value types whose JSON keys are their property names
/// (camelCase domain words). Decoding ignores unknown keys, so producers may add optional
/// fields within a `.v1` schema without breaking older consumers.
///
/// Concurrency: conformers are `Sendable` values; the static requirements are constants.
public protocol FangyiEvent: Codable, Sendable, Equatable {
    /// The CloudEvents `ce_type`, `fangyi.` followed by ``schemaName``, for example
    /// `fangyi.lab.result.recorded.v1`.
    static var eventType: String { get }
    /// The topic the event is published on.
    static var topic: Topic { get }
    /// The schema name, for example `lab.result.recorded.v1`; the schema file is
    /// `Schemas/<schemaName>.json` and its URI is ``schemaURI``.
    static var schemaName: String { get }
}

extension FangyiEvent {
    /// The URI of the event's JSON Schema, sent as the `ce_dataschema` header and equal to the
    /// schema's `$id`. Concurrency: pure; callable from any context.
    public static var schemaURI: String { SchemaRegistry.uri(forSchemaNamed: schemaName) }
}
