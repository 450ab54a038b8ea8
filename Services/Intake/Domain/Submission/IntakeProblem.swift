/// Why one item of a submission (or the whole submission) was rejected.
///
/// Becomes an RFC 9457 problem in the HTTP answer, a receipt on `lab.receipts.v1`,
/// and the `fangyi_dlq_*` headers of a dead-lettered Kafka submission. `code` is stable
/// (labs program against it); `message` is for a person and never quotes personal data.
/// Concurrency: a value type; `Sendable`.
public struct IntakeProblem: Error, Sendable, Equatable {
    /// A stable, dotted code, for example `specimen_id.missing` or `hl7.segment_order`.
    public var code: String
    /// What is wrong and how to fix it, without personal data.
    public var message: String
    /// Where: a JSON pointer, an HL7 `SEG[n]-f` reference, or a CSV `row R, column NAME`.
    public var pointer: String

    /// Creates a problem.
    public init(code: String, message: String, pointer: String) {
        self.code = code
        self.message = message
        self.pointer = pointer
    }
}
