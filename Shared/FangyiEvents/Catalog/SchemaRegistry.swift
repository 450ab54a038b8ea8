import Foundation

/// The published JSON Schemas (draft 2020-12) of the v1 event payloads, shipped as the
/// `Schemas/` resource of this module.
///
/// Each schema's `$id` is ``uri(forSchemaNamed:)`` — `https://fangyi.dev/schemas/<name>.json`
/// — the same URI events carry in `ce_dataschema`. Schemas set `additionalProperties: false`
/// so a producer's output is checked exactly; consumers' decoders ignore unknown fields, so
/// adding an optional field is backward compatible within `.v1` (update the schema first).
/// See `Schemas/README.md` for the evolution rules.
///
/// Deployment: the resource bundle (`Fangyi_FangyiEvents.resources`) must sit next to the
/// executable, as SwiftPM builds it.
///
/// Concurrency: schemas are read once, on first use, into an immutable dictionary; every
/// member is safe to call from any thread.
public enum SchemaRegistry {
    /// The base of every schema URI.
    public static let baseURI = "https://fangyi.dev/schemas/"

    /// The URI of the schema named `name`, like `https://fangyi.dev/schemas/lab.result.recorded.v1.json`.
    /// Concurrency: pure.
    public static func uri(forSchemaNamed name: String) -> String {
        baseURI + name + ".json"
    }

    /// The schema file bytes of `type`, or `nil` when the resource is missing.
    /// Concurrency: thread-safe.
    public static func schema(for type: any FangyiEvent.Type) -> [UInt8]? {
        schemas[type.schemaName]
    }

    /// The schema file bytes for the schema named `name` (like `lab.result.recorded.v1`), or `nil`.
    /// Concurrency: thread-safe.
    public static func schema(named name: String) -> [UInt8]? {
        schemas[name]
    }

    /// The names of all shipped schemas, sorted. Concurrency: thread-safe.
    public static var schemaNames: [String] {
        schemas.keys.sorted()
    }

    private static let schemas: [String: [UInt8]] = {
        guard let directory = Bundle.module.url(forResource: "Schemas", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        else { return [:] }
        var result: [String: [UInt8]] = [:]
        for file in files where file.pathExtension == "json" {
            if let data = try? Data(contentsOf: file) {
                result[file.deletingPathExtension().lastPathComponent] = [UInt8](data)
            }
        }
        return result
    }()
}
