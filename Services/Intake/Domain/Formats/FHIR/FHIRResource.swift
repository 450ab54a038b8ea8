/// A resource found in a bundle: an entry's resource or a contained one.
struct FHIRResource {
    /// The resource object.
    let node: FHIRNode
    /// Its `resourceType`.
    let type: String
    /// The pointer of the entry (`/entry/3`); `nil` for a contained resource.
    let entryPointer: String?
    /// The top-level resource whose `contained` list `#id` references look in.
    let scope: FHIRNode

    /// Identity within one bundle: two resolutions name the same resource when their
    /// pointers are equal.
    var key: String { node.pointer }
}
