import Foundation

/// A value inside a parsed FHIR JSON body together with its JSON pointer, so every
/// value the reader takes carries the place it came from without bookkeeping at each
/// call site.
///
/// Wraps what `JSONSerialization` returns. Accessors are forgiving about shape (a string
/// where an object belongs reads as absent) because the reader only reports what it needs
/// and cannot read; FHIR validity beyond that is not its business.
///
/// Concurrency: not `Sendable` (holds `Any`); lives only inside one `read` call.
struct FHIRNode {
    /// The JSON value: `[String: Any]`, `[Any]`, `String`, `NSNumber` or `NSNull`.
    let value: Any
    /// RFC 6901 pointer of the value in the submission (with the NDJSON line prefix).
    let pointer: String

    /// The member `key` of an object; `nil` when this is not an object, the key is absent
    /// or its value is `null`.
    subscript(key: String) -> FHIRNode? {
        guard let object = value as? [String: Any], let member = object[key], !Self.isNull(member) else { return nil }
        return FHIRNode(value: member, pointer: pointer + "/" + Self.escape(key))
    }

    /// The elements when this is an array; empty otherwise.
    var elements: [FHIRNode] {
        guard let array = value as? [Any] else { return [] }
        var nodes: [FHIRNode] = []
        nodes.reserveCapacity(array.count)
        for (index, element) in array.enumerated() where !Self.isNull(element) {
            nodes.append(FHIRNode(value: element, pointer: pointer + "/" + String(index)))
        }
        return nodes
    }

    /// Whether this is a JSON object.
    var isObject: Bool { value is [String: Any] }

    /// The trimmed text when this is a non-empty JSON string.
    var text: String? {
        guard let string = value as? String else { return nil }
        // Foundation's trimmingCharacters goes through NSString on Linux; most values need no trim.
        let scalars = string.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return nil }
        if first == scalars.startIndex, last == scalars.index(before: scalars.endIndex) { return string }
        return String(scalars[first...last])
    }

    /// The trimmed text of the member `key`, located.
    func text(_ key: String) -> Located<String>? {
        guard let member = self[key], let text = member.text else { return nil }
        return Located(text, at: member.pointer)
    }

    /// The value when this is a JSON number (not `true`/`false`, which Foundation also
    /// hands out as `NSNumber`).
    var number: Double? {
        guard type(of: value) is NSNumber.Type,
              ObjectIdentifier(type(of: value)) != Self.booleanClass,
              let number = value as? NSNumber
        else { return nil }
        let double = number.doubleValue
        return double.isFinite ? double : nil
    }

    private static let booleanClass = ObjectIdentifier(type(of: NSNumber(value: true)))

    /// Compares the dynamic type: `value is NSNull` would first bridge a Swift dictionary or
    /// array to its Foundation class (a deep copy) on Linux, for every member read.
    private static func isNull(_ value: Any) -> Bool {
        type(of: value) is NSNull.Type
    }

    /// RFC 6901: `~` becomes `~0` and `/` becomes `~1`.
    static func escape(_ key: String) -> String {
        guard key.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return key }
        return key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
