public import FangyiEvents
public import Foundation

/// The bilingual texts of every alert, kept in a JSON file (`Templates/alerts.json` in the
/// service, or `NOTIFIER_TEMPLATES_FILE`): an object whose keys are `kind/audience` and whose
/// values are `{"title": {"zh": ..., "en": ...}, "body": {"zh": ..., "en": ...}}`. Texts name
/// values as `{name}`; each key has a fixed set of names (``variables``). Loading checks that
/// every key is present, no text is empty and every name is known, so a typo fails at start,
/// not in a surge.
///
/// Concurrency: a value type; `Sendable`.
public struct AlertTemplates: Sendable {
    /// One alert's texts.
    public struct Template: Codable, Sendable, Equatable {
        /// The title.
        public var title: LocalizedText
        /// The body.
        public var body: LocalizedText
    }

    /// A template file that cannot be used: which key and why.
    public struct FileError: Error, Sendable, CustomStringConvertible {
        /// What is wrong, naming the file and the key.
        public let message: String
        public var description: String { "templates.invalid: \(message)" }
    }

    let templates: [String: Template]

    /// The names each template may use.
    public static let variables: [String: Set<String>] = {
        let digest: Set<String> = ["area", "count", "kindName", "minutes", "from"]
        return [
            "caseReported/healthAuthority": ["area", "caseId", "classification", "severity"],
            "chainLinked/healthAuthority": ["area", "caseId", "sourceCaseId", "chainId"],
            "clusterDetected/healthAuthority": ["area", "clusterId", "cases"],
            "contactIdentified/grid": ["area", "contactId", "tier", "sourceCaseId", "deadline"],
            "quarantineOrder/person": ["area", "contactId", "tier", "sourceCaseId", "deadline"],
            "retestOrder/person": ["area", "reason", "deadline"],
            "assignmentNotice/facility": ["area", "facilityId", "facilityKind", "unitId", "unitType", "assignmentId"],
            "capacityLow/healthAuthority": ["area", "facilityId", "facilityKind", "unitType", "threshold", "free", "total", "direction"],
            "standbyActivated/healthAuthority": ["area", "facilityId", "facilityKind", "units", "readyAt"],
            "poolPositive/healthAuthority": ["area", "poolId", "members"],
            "waitlistGrowing/healthAuthority": ["area", "unitType", "facilityKind", "position"],
            "riskLevelChanged/public": ["area", "level", "previous", "reason"],
            "riskLevelChanged/healthAuthority": ["area", "level", "previous", "reason"],
            "followUpOverdue/grid": ["area", "contactId", "deadline"],
            "followUpOverdue/healthAuthority": ["area", "contactId", "deadline"],
            "digest/public": digest, "digest/healthAuthority": digest, "digest/grid": digest, "digest/facility": digest,
        ]
    }()

    /// The templates shipped with the service.
    public static func bundled() throws(FileError) -> AlertTemplates {
        guard let url = Bundle.module.url(forResource: "alerts", withExtension: "json"),
              let data = try? Data(contentsOf: url) else {
            throw FileError(message: "the bundled Templates/alerts.json is missing")
        }
        return try parse(data, source: "Templates/alerts.json")
    }

    /// The templates in the file at `path`, or the bundled ones when `path` is nil.
    public static func load(path: String?) throws(FileError) -> AlertTemplates {
        guard let path else { return try bundled() }
        guard let data = FileManager.default.contents(atPath: path) else { throw FileError(message: "cannot read \(path)") }
        return try parse(data, source: path)
    }

    /// Parses and checks a template file; `source` names it in errors.
    public static func parse(_ data: Data, source: String) throws(FileError) -> AlertTemplates {
        let templates: [String: Template]
        do {
            templates = try JSONDecoder().decode([String: Template].self, from: data)
        } catch {
            throw FileError(message: "\(source) is not an object of {title: {zh, en}, body: {zh, en}} templates (\(error))")
        }
        for key in templates.keys.sorted() where variables[key] == nil {
            throw FileError(message: "\(source): \(key) is not a template key (kind/audience)")
        }
        for (key, names) in variables.sorted(by: { $0.key < $1.key }) {
            guard let template = templates[key] else { throw FileError(message: "\(source): \(key) is missing") }
            for (field, text) in [("title.zh", template.title.zh), ("title.en", template.title.en),
                                  ("body.zh", template.body.zh), ("body.en", template.body.en)] {
                if text.trimmingCharacters(in: .whitespaces).isEmpty { throw FileError(message: "\(source): \(key) \(field) is empty") }
                if let unknown = placeholders(in: text).first(where: { !names.contains($0) }) {
                    throw FileError(message: "\(source): \(key) \(field) uses {\(unknown)}; it may use \(names.sorted().joined(separator: ", "))")
                }
            }
        }
        return AlertTemplates(templates: templates)
    }

    /// The alert `draft` becomes when issued at `issuedAt`.
    public func render(_ draft: AlertDraft, issuedAt: Date) -> Alert {
        let template = templates[draft.templateKey]
            ?? Template(title: LocalizedText(zh: draft.kind.localized.zh, en: draft.kind.localized.en), body: .plain(draft.areaCode))
        func fill(_ text: LocalizedText) -> LocalizedText {
            LocalizedText(zh: Self.substitute(text.zh) { draft.values[$0]?.zh },
                          en: Self.substitute(text.en) { draft.values[$0]?.en })
        }
        return Alert(alertId: draft.alertId, kind: draft.kind, severity: draft.severity, areaCode: draft.areaCode,
                     audience: draft.audience, riskLevel: draft.riskLevel, subjectRef: draft.subjectRef,
                     title: fill(template.title), body: fill(template.body), refs: draft.refs, dueBy: draft.dueBy,
                     issuedAt: issuedAt, digestOf: draft.digestOf, count: draft.count)
    }

    /// The `{name}`s in `text`.
    static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    static func substitute(_ text: String, _ value: (String) -> String?) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            result += value(name) ?? ""
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
