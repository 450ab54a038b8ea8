/// Why intake rejected an item, in the shape of an RFC 9457 problem detail.
///
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct ReceiptProblem: Codable, Sendable, Hashable {
    /// A stable machine-readable code, for example `lab.invalid_ct`.
    public var code: String

    /// A human-readable explanation.
    public var message: String

    /// A JSON pointer (RFC 6901) to the offending field of the submitted item.
    public var pointer: String

    /// Creates the value from its fields; optional fields default to absent.
    public init(
        code: String,
        message: String,
        pointer: String
    ) {
        self.code = code
        self.message = message
        self.pointer = pointer
    }
}
