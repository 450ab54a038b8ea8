import FangyiEvents
import FangyiService
public import Foundation

extension TracingPolicy {
    /// An error in the policy file: which key and why.
    public struct FileError: Error, Sendable, CustomStringConvertible {
        /// A stable code: `policy.unreadable` or `policy.invalid`.
        public let code: String
        /// What is wrong, naming the path and the key.
        public let message: String
        public var description: String { "\(code): \(message)" }
    }

    /// Loads the `tracing` section of the policy file at `path`, or the defaults when `path` is nil.
    /// Other services' sections are ignored.
    ///
    /// Keys (all optional): `lookBackDays`, `retentionDays`, `stayMinutes` (venue kind → minutes),
    /// `venueTier` (venue kind → `close`|`companion`), `relationTier` (relation kind → tier),
    /// `maximumStayHours`, `clockSkewMinutes`, `minimumFollowUpMinutes`, `utcOffsetMinutes`,
    /// `releaseMinimumCt`, `releaseSampleGapHours`, `clusterWindowDays`, `clusterMinimumCases`,
    /// `retestDueHours`.
    public static func load(path: String?) throws(FileError) -> TracingPolicy {
        guard let path else { return .default }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(code: "policy.unreadable", message: "cannot read the policy file at \(path)")
        }
        do {
            return try parse(data)
        } catch let error as FileError {
            throw FileError(code: error.code, message: "\(path): \(error.message)")
        } catch {
            throw FileError(code: "policy.invalid", message: "\(path) is not JSON: \(error)")
        }
    }

    /// Parses a whole policy file's JSON and applies its `tracing` section to the defaults.
    public static func parse(_ data: Data) throws -> TracingPolicy {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FileError(code: "policy.invalid", message: "the policy file must be a JSON object")
        }
        var policy = TracingPolicy.default
        guard let section = root["tracing"] else { return policy }
        guard let tracing = section as? [String: Any] else {
            throw FileError(code: "policy.invalid", message: "/tracing must be an object")
        }
        let known: Set<String> = [
            "lookBackDays", "retentionDays", "stayMinutes", "venueTier", "relationTier", "maximumStayHours",
            "clockSkewMinutes", "minimumFollowUpMinutes", "utcOffsetMinutes", "releaseMinimumCt",
            "releaseSampleGapHours", "clusterWindowDays", "clusterMinimumCases", "retestDueHours",
        ]
        if let unknown = tracing.keys.sorted().first(where: { !known.contains($0) }) {
            throw FileError(code: "policy.invalid", message: "/tracing/\(unknown) is not a tracing policy key")
        }
        func number(_ key: String, _ range: ClosedRange<Double>) throws(FileError) -> Double? {
            guard let value = tracing[key] else { return nil }
            guard let number = PolicySection.jsonNumber(value), range.contains(number) else {
                throw FileError(code: "policy.invalid", message: "/tracing/\(key) must be a number in \(range)")
            }
            return number
        }
        func integer(_ key: String, _ range: ClosedRange<Int>) throws(FileError) -> Int? {
            guard let value = try number(key, Double(range.lowerBound)...Double(range.upperBound)) else { return nil }
            guard value == value.rounded() else {
                throw FileError(code: "policy.invalid", message: "/tracing/\(key) must be a whole number")
            }
            return Int(value)
        }
        func minutes(_ value: Double) -> Duration { .milliseconds(Int64((value * 60_000).rounded())) }
        func map<K: RawRepresentable<String> & Hashable, V>(
            _ key: String, _ parse: (Any) -> V?, expected: String
        ) throws(FileError) -> [K: V] {
            guard let value = tracing[key] else { return [:] }
            guard let object = value as? [String: Any] else {
                throw FileError(code: "policy.invalid", message: "/tracing/\(key) must be an object")
            }
            var result: [K: V] = [:]
            for (name, raw) in object {
                guard let kind = K(rawValue: name) else {
                    throw FileError(code: "policy.invalid", message: "/tracing/\(key)/\(name) is not a known kind")
                }
                guard let parsed = parse(raw) else {
                    throw FileError(code: "policy.invalid", message: "/tracing/\(key)/\(name) must be \(expected)")
                }
                result[kind] = parsed
            }
            return result
        }
        policy.lookBackDays = try integer("lookBackDays", 0...30) ?? policy.lookBackDays
        policy.retentionDays = try integer("retentionDays", 1...366) ?? policy.retentionDays
        let stays: [VenueKind: Duration] = try map("stayMinutes", { raw in
            PolicySection.jsonNumber(raw).flatMap { $0 > 0 && $0 <= 1440 ? minutes($0) : nil }
        }, expected: "minutes in (0, 1440]")
        policy.defaultStay.merge(stays) { $1 }
        let venueTiers: [VenueKind: ContactTier] = try map("venueTier", { raw in
            (raw as? String).flatMap(ContactTier.init(rawValue:)).flatMap { $0 == .secondary ? nil : $0 }
        }, expected: "close or companion")
        policy.venueTier.merge(venueTiers) { $1 }
        let relationTiers: [RelationKind: ContactTier] = try map("relationTier", { raw in
            (raw as? String).flatMap(ContactTier.init(rawValue:)).flatMap { $0 == .secondary ? nil : $0 }
        }, expected: "close or companion")
        policy.relationTier.merge(relationTiers) { $1 }
        if let hours = try number("maximumStayHours", 1...72) { policy.maximumStay = minutes(hours * 60) }
        if let value = try number("clockSkewMinutes", 0...1440) { policy.clockSkew = minutes(value) }
        if let value = try number("minimumFollowUpMinutes", 0...1440) { policy.minimumFollowUp = minutes(value) }
        if let value = try integer("utcOffsetMinutes", -720...840) { policy.utcOffset = .seconds(value * 60) }
        policy.releaseMinimumCt = try number("releaseMinimumCt", 0...50) ?? policy.releaseMinimumCt
        if let hours = try number("releaseSampleGapHours", 0...240) { policy.releaseSampleGap = minutes(hours * 60) }
        policy.clusterWindowDays = try integer("clusterWindowDays", 1...90) ?? policy.clusterWindowDays
        policy.clusterMinimumCases = try integer("clusterMinimumCases", 2...1000) ?? policy.clusterMinimumCases
        if let hours = try number("retestDueHours", 0...240) { policy.retestDue = minutes(hours * 60) }
        return policy
    }
}
