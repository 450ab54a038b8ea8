public import Foundation

/// One service's section of the policy file (`FANGYI_POLICY_FILE`, a JSON object with a
/// section per service), read key by key with errors that name the JSON pointer and why.
/// Other services' sections are ignored; an unknown key in this section is an error, so a
/// typo never silently keeps a default.
///
/// Concurrency: a value type holding parsed JSON; use it on one task.
public struct PolicySection {
    /// The section's name, e.g. `allocator`.
    public let name: String
    private let values: [String: Any]
    /// The file it came from, named in every error about its values.
    private var path: String?

    /// An error in the policy file: which key and why.
    public struct FileError: Error, Sendable, CustomStringConvertible {
        /// A stable code: `policy.unreadable` or `policy.invalid`.
        public let code: String
        /// What is wrong, naming the path and the key.
        public let message: String
        public var description: String { "\(code): \(message)" }

        /// Creates an error.
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// Reads the file at `path` (nil: no file) and returns section `name`, or nil when the
    /// file or the section is absent.
    public static func load(path: String?, section name: String, known: Set<String>) throws(FileError) -> PolicySection? {
        guard let path else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(code: "policy.unreadable", message: "cannot read the policy file at \(path)")
        }
        do {
            var section = try parse(data, section: name, known: known)
            section?.path = path
            return section
        } catch {
            throw FileError(code: error.code, message: "\(path): \(error.message)")
        }
    }

    /// Parses a whole policy file's JSON and returns section `name` (nil when absent).
    public static func parse(_ data: Data, section name: String, known: Set<String>) throws(FileError) -> PolicySection? {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw FileError(code: "policy.invalid", message: "the policy file is not JSON: \(error.localizedDescription)")
        }
        guard let object = root as? [String: Any] else {
            throw FileError(code: "policy.invalid", message: "the policy file must be a JSON object")
        }
        guard let section = object[name] else { return nil }
        guard let values = section as? [String: Any] else {
            throw FileError(code: "policy.invalid", message: "/\(name) must be an object")
        }
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            throw FileError(code: "policy.invalid", message: "/\(name)/\(unknown) is not a \(name) policy key")
        }
        return PolicySection(name: name, values: values, path: nil)
    }

    private func invalid(_ key: String, _ expected: String) -> FileError {
        invalid("/\(name)/\(key) must be \(expected)")
    }

    private func invalid(_ message: String) -> FileError {
        FileError(code: "policy.invalid", message: path.map { "\($0): \(message)" } ?? message)
    }

    /// The number at `key` within `range`, or nil when absent.
    public func number(_ key: String, in range: ClosedRange<Double>) throws(FileError) -> Double? {
        guard let value = values[key] else { return nil }
        guard let number = Self.jsonNumber(value), range.contains(number) else { throw invalid(key, "a number in \(range)") }
        return number
    }

    /// The whole number at `key` within `range`, or nil when absent.
    public func integer(_ key: String, in range: ClosedRange<Int>) throws(FileError) -> Int? {
        guard let value = values[key] else { return nil }
        guard let number = Self.jsonNumber(value), number == number.rounded(), range.contains(Int(exactly: number) ?? Int.min) else {
            throw invalid(key, "a whole number in \(range)")
        }
        return Int(number)
    }

    /// The boolean at `key`, or nil when absent.
    public func bool(_ key: String) throws(FileError) -> Bool? {
        guard let value = values[key] else { return nil }
        guard let number = value as? NSNumber, type(of: number) == type(of: NSNumber(value: true)) else { throw invalid(key, "true or false") }
        return number.boolValue
    }

    /// The non-empty string at `key`, or nil when absent.
    public func string(_ key: String) throws(FileError) -> String? {
        guard let value = values[key] else { return nil }
        guard let text = value as? String, !text.isEmpty else { throw invalid(key, "a non-empty string") }
        return text
    }

    /// The string at `key` turned into a value by `parse` (an enum's raw value, a time zone),
    /// or nil when absent; a string `parse` refuses names the key and `expected`.
    public func value<T>(_ key: String, expected: String, _ parse: (String) -> T?) throws(FileError) -> T? {
        guard let value = values[key] else { return nil }
        guard let text = value as? String, let parsed = parse(text) else { throw invalid(key, expected) }
        return parsed
    }

    /// The array of strings at `key`, each turned into a value by `parse`, or nil when absent;
    /// an element `parse` refuses names the key, the element and `expected`.
    public func list<T>(_ key: String, expected: String, _ parse: (String) -> T?) throws(FileError) -> [T]? {
        guard let value = values[key] else { return nil }
        guard let array = value as? [Any] else { throw invalid(key, "an array of \(expected)") }
        var result: [T] = []
        for (index, element) in array.enumerated() {
            guard let text = element as? String, let parsed = parse(text) else { throw invalid("\(key)/\(index)", expected) }
            result.append(parsed)
        }
        return result
    }

    /// The array of whole numbers at `key`, each within `range`, or nil when absent.
    public func integers(_ key: String, in range: ClosedRange<Int>) throws(FileError) -> [Int]? {
        guard let value = values[key] else { return nil }
        guard let array = value as? [Any], !array.isEmpty else { throw invalid(key, "a non-empty array of whole numbers in \(range)") }
        var result: [Int] = []
        for element in array {
            guard let number = Self.jsonNumber(element), number == number.rounded(), let whole = Int(exactly: number), range.contains(whole) else {
                throw invalid(key, "a non-empty array of whole numbers in \(range)")
            }
            result.append(whole)
        }
        return result
    }

    /// The object at `key` as a map from a closed set of names (`K`) to values `parse` accepts,
    /// or empty when absent; an unknown name or a refused value names its path and `expected`.
    public func map<K: RawRepresentable<String> & Hashable, V>(
        _ key: String, _ parse: (Any) -> V?, expected: String
    ) throws(FileError) -> [K: V] {
        guard let value = values[key] else { return [:] }
        guard let object = value as? [String: Any] else { throw invalid(key, "an object") }
        var result: [K: V] = [:]
        for (entry, raw) in object {
            guard let kind = K(rawValue: entry) else {
                throw invalid("/\(name)/\(key)/\(entry) is not a known kind")
            }
            guard let parsed = parse(raw) else { throw invalid("\(key)/\(entry)", expected) }
            result[kind] = parsed
        }
        return result
    }

    /// A JSON number's value, or nil for anything else. `JSONSerialization` gives numbers
    /// and booleans as `NSNumber`, and on Linux `0` and `1` also cast to `Bool`; a boolean
    /// is told apart by its own class, so `true` is refused and `0` and `1` are accepted.
    public static func jsonNumber(_ value: Any) -> Double? {
        guard let number = value as? NSNumber, type(of: number) != type(of: NSNumber(value: true)) else { return nil }
        return number.doubleValue
    }
}

/// A service's rules as read from its section of the policy file: the built-in defaults with
/// the section's values applied. Conforming types get ``load(path:)`` and ``parse(_:)``.
public protocol PolicyFileSection {
    /// The section's name (`tracing`, `allocator`, `notifier`).
    static var sectionName: String { get }
    /// The keys the section may hold; any other is refused, so a typo never keeps a default.
    static var sectionKeys: Set<String> { get }
    /// The defaults with `section`'s values applied (nil: the defaults). Throws naming the key and why.
    static func applying(_ section: PolicySection?) throws(PolicySection.FileError) -> Self
}

extension PolicyFileSection {
    /// Loads this section of the policy file at `path`, or the defaults when `path` is nil or
    /// the file has no such section. Other services' sections are ignored.
    public static func load(path: String?) throws(PolicySection.FileError) -> Self {
        try applying(PolicySection.load(path: path, section: sectionName, known: sectionKeys))
    }

    /// Parses a whole policy file's JSON and applies this section to the defaults.
    public static func parse(_ data: Data) throws(PolicySection.FileError) -> Self {
        try applying(PolicySection.parse(data, section: sectionName, known: sectionKeys))
    }
}
