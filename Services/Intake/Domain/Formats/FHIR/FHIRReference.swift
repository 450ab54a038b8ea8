/// Where a FHIR Reference leads.
enum FHIRReference {
    /// A resource in the bundle.
    case resource(FHIRResource)
    /// A logical reference: only `Reference.identifier` (the node of that Identifier).
    case logical(FHIRNode)
    /// A `reference` that names no resource in the bundle (pointer of the reference text).
    case unresolved(String)
}
