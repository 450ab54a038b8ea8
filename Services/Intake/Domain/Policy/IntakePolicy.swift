import Foundation

/// The part of the policy file intake reads: `{"interpretation": {...}}` (see
/// ``InterpretationPolicy``); absent sections and values keep the national defaults.
/// Concurrency: a value type; `Sendable`.
public struct IntakePolicy: Sendable, Codable, Equatable {
    /// Ct interpretation and plausibility rules.
    public var interpretation: InterpretationPolicy

    /// The defaults.
    public init(interpretation: InterpretationPolicy = .default) {
        self.interpretation = interpretation
    }

    /// Reads `interpretation` from a policy file's JSON, ignoring other services' sections.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        interpretation = try container.decodeIfPresent(InterpretationPolicy.self, forKey: .interpretation) ?? .default
    }

    /// Loads the policy file at `path`, or the defaults when `path` is nil.
    public static func load(path: String?) throws(IntakeProblem) -> IntakePolicy {
        guard let path else { return IntakePolicy() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IntakeProblem(code: "policy.unreadable", message: "cannot read the policy file at \(path)", pointer: "")
        }
        do {
            return try JSONDecoder().decode(IntakePolicy.self, from: data)
        } catch {
            throw IntakeProblem(code: "policy.invalid", message: "the policy file \(path) is not valid: \(error)", pointer: "/interpretation")
        }
    }
}
