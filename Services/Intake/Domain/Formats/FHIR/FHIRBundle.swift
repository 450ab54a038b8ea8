/// A FHIR R4 Bundle with its entries indexed for reference resolution.
///
/// References resolve, in this order, against: the referencing resource's `contained`
/// resources (`#id`); an entry's `fullUrl` as written (`urn:uuid:...`, absolute URLs);
/// `ResourceType/id` taken from each entry's `resourceType` and `id` and from the last two
/// segments of an absolute `fullUrl`. A `/_history/n` suffix is ignored, and an absolute
/// reference that matches no `fullUrl` is tried by its last two segments, because labs
/// often send server URLs of resources they also include.
///
/// Concurrency: not `Sendable` (holds parsed JSON); lives inside one `read` call.
struct FHIRBundle {
    /// `Bundle.type` values the intake accepts.
    static let acceptedTypes: Set<String> = ["transaction", "collection", "message", "batch"]

    /// The bundle's `type`.
    let type: String
    /// Every entry whose `resource` is an object with a `resourceType`, in entry order.
    let resources: [FHIRResource]
    private let byURL: [String: Int]

    /// Checks the envelope (a Bundle of an accepted type; a message starts with its
    /// MessageHeader) and indexes the entries.
    init(root: FHIRNode) throws(IntakeProblem) {
        guard root.isObject else {
            throw IntakeProblem(code: "fhir.json.invalid", message: "The body is JSON but not an object; send a FHIR Bundle resource.", pointer: root.pointer)
        }
        guard root.text("resourceType")?.value == "Bundle" else {
            throw IntakeProblem(code: "fhir.resource_type", message: "The body is not a FHIR Bundle (resourceType must be \"Bundle\").", pointer: root.pointer + "/resourceType")
        }
        guard let type = root.text("type")?.value, Self.acceptedTypes.contains(type) else {
            throw IntakeProblem(
                code: "fhir.bundle.type",
                message: "Bundle.type must be transaction, collection, message or batch.",
                pointer: root.pointer + "/type"
            )
        }
        self.type = type

        var resources: [FHIRResource] = []
        var byURL: [String: Int] = [:]
        func index(_ key: String, _ position: Int) {
            if byURL[key] == nil { byURL[key] = position }
        }
        for entry in root["entry"]?.elements ?? [] {
            guard let node = entry["resource"], let resourceType = node.text("resourceType")?.value else { continue }
            let position = resources.count
            resources.append(FHIRResource(node: node, type: resourceType, entryPointer: entry.pointer, scope: node))
            if let fullURL = entry.text("fullUrl")?.value {
                index(fullURL, position)
                if let tail = Self.typeAndID(ofURL: fullURL) { index(tail, position) }
            }
            if let id = node.text("id")?.value { index(resourceType + "/" + id, position) }
        }
        self.resources = resources
        self.byURL = byURL

        if type == "message", resources.first?.type != "MessageHeader" {
            throw IntakeProblem(code: "fhir.message.header", message: "A message Bundle must start with its MessageHeader entry.", pointer: root.pointer + "/entry/0")
        }
    }

    /// What `reference` (a FHIR Reference) leads to, or `nil` when it says nothing (absent,
    /// or only a display).
    func resolve(_ reference: FHIRNode?, from origin: FHIRResource) -> FHIRReference? {
        guard let reference else { return nil }
        guard let target = reference.text("reference") else {
            if let identifier = reference["identifier"], identifier.isObject { return .logical(identifier) }
            return nil
        }
        if let found = find(target.value, scope: origin.scope) { return .resource(found) }
        return .unresolved(target.pointer)
    }

    /// The resource `reference` leads to, ignoring logical and unresolvable references.
    func resource(_ reference: FHIRNode?, from origin: FHIRResource) -> FHIRResource? {
        if case .resource(let resource) = resolve(reference, from: origin) { return resource }
        return nil
    }

    private func find(_ reference: String, scope: FHIRNode) -> FHIRResource? {
        if reference.hasPrefix("#") {
            let id = String(reference.dropFirst())
            for contained in scope["contained"]?.elements ?? [] where contained.text("id")?.value == id {
                guard let type = contained.text("resourceType")?.value else { return nil }
                return FHIRResource(node: contained, type: type, entryPointer: nil, scope: scope)
            }
            return nil
        }
        var candidates = [reference]
        if let range = reference.range(of: "/_history/") {
            candidates.append(String(reference[..<range.lowerBound]))
        }
        if reference.contains("://"), let tail = Self.typeAndID(ofURL: candidates[candidates.count - 1]) {
            candidates.append(tail)
        }
        for candidate in candidates {
            if let position = byURL[candidate] { return resources[position] }
        }
        return nil
    }

    /// `Patient/123` from `https://host/fhir/Patient/123`; `nil` for URNs.
    private static func typeAndID(ofURL url: String) -> String? {
        guard url.contains("://") else { return nil }
        let segments = url.split(separator: "/", omittingEmptySubsequences: true)
        guard segments.count >= 3 else { return nil }
        let type = segments[segments.count - 2]
        guard let first = type.first, first.isUppercase else { return nil }
        return type + "/" + segments[segments.count - 1]
    }
}
