/// One HL7 v2 message of a submission, with the results read from it.
///
/// Header values are the first component of their field, unescaped; `messageType`
/// is MSH-9.1 and MSH-9.2 joined with `^` whatever the message's own component
/// separator. When ``messageProblem`` is set the whole message is rejected (MSA-1 `AR`)
/// and ``items`` is empty: a message we cannot trust structurally yields no results.
///
/// Concurrency: a value type; `Sendable`.
public struct HL7v2Message: Sendable, Equatable {
    /// 1-based position of the message in the body (batch segments are not counted).
    public var index: Int
    /// MSH-10, the sender's message control id, echoed in MSA-2.
    public var controlID: String?
    /// MSH-3.1.
    public var sendingApplication: String?
    /// MSH-4.1: the lab's id.
    public var sendingFacility: String?
    /// MSH-5.1.
    public var receivingApplication: String?
    /// MSH-6.1.
    public var receivingFacility: String?
    /// MSH-9.1 `^` MSH-9.2, for example `ORU^R01`.
    public var messageType: String?
    /// MSH-11.1, the processing id (`P`, `T`, `D`), echoed in the acknowledgement.
    public var processingID: String?
    /// MSH-12.1, for example `2.5.1`.
    public var versionID: String?
    /// The delimiters MSH-1 and MSH-2 declare (``HL7v2Encoding/standard`` when unreadable).
    public var encoding: HL7v2Encoding
    /// One item per OBR group, in order.
    public var items: [SubmissionItem]
    /// Why the whole message is rejected, when it is.
    public var messageProblem: IntakeProblem?

    /// Creates a message with nothing read yet.
    public init(index: Int, encoding: HL7v2Encoding = .standard) {
        self.index = index
        self.encoding = encoding
        self.items = []
    }

    /// `message[M]`, the prefix of every pointer into this message.
    public var pointer: String { "message[\(index)]" }
}
