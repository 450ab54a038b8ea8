/// Reads Fangyi's JSON result format (`POST /v1/results`, and records on `lab.submissions.v1`):
/// either one result object, or `{"submissionId": ..., "results": [ ... ]}` with up to
/// ``maxItems`` results. The fields are described in `openapi.yaml` (`LabResult`).
///
/// One item's bad field (a number where text belongs, an unreadable date) makes that item
/// unreadable, with a JSON pointer to the field; the other items go on. Unknown fields are
/// ignored, so labs may send more than Fangyi reads. Of a repeated member the first counts.
///
/// The body must be valid JSON (RFC 8259, UTF-8, an optional byte order mark, at most 512
/// levels of nesting) throughout, unknown fields included; the reader parses the bytes
/// itself (`JSONCursor`, `JSONItemReader`) without building a tree: a batch in one pass, a
/// single result in two (the first finds out that it is not a batch).
///
/// Concurrency: stateless; `Sendable`.
public struct JSONResultReader: Sendable {
    /// The most results one submission may hold.
    public static let maxItems = 10_000

    /// A whole JSON submission, read.
    public struct Submission: Sendable {
        /// The lab's id of the submission, when it sent one.
        public var submissionId: String?
        /// Every item, in order.
        public var items: [SubmissionItem]
    }

    /// Creates a reader.
    public init() {}

    /// Reads `body`. Throws when the body is not JSON, not an object, or holds too many results.
    public func read(_ body: [UInt8]) throws(IntakeProblem) -> Submission {
        let outcome: Result<Submission, IntakeProblem>
        do {
            outcome = try body.withUnsafeBufferPointer { bytes throws(JSONSyntaxError) in
                var cursor = JSONCursor(bytes)
                return try Self.read(&cursor)
            }
        } catch {
            throw IntakeProblem(code: "json.invalid", message: "the body is not a JSON object: \(error.reason) (byte \(error.offset))", pointer: "")
        }
        return try outcome.get()
    }

    /// Reads the top object: a batch when it has `results`, else one result. A body that
    /// is valid JSON but not a usable batch fails with the problem.
    private static func read(_ cursor: inout JSONCursor) throws(JSONSyntaxError) -> Result<Submission, IntakeProblem> {
        guard try cursor.peek() == JSONByte.openBrace else { throw cursor.failure("it holds another kind of value") }
        let start = cursor.index
        var submissionId: String?
        var items: [SubmissionItem] = []
        var count = 0
        var problem: IntakeProblem?
        var seen: UInt8 = 0
        if try cursor.openObject(depth: 1) {
            repeat {
                let key = try cursor.key { key -> UInt8 in
                    JSONCursor.key(key, is: "results") ? 1 : JSONCursor.key(key, is: "submissionId") ? 2 : 0
                }
                guard key != 0, seen & key == 0 else {
                    try cursor.skipValue(depth: 1)
                    continue
                }
                seen |= key
                let next = try cursor.peek()
                if key == 2 {
                    // Anything but a string (null too) means no id, as before.
                    if next == JSONByte.quote { submissionId = try cursor.rawText() } else { try cursor.skipValue(depth: 1) }
                } else if next != JSONByte.openBracket {
                    try cursor.skipValue(depth: 1)
                    problem = IntakeProblem(code: "json.type", message: "results must be an array", pointer: "/results")
                } else if try cursor.openArray(depth: 2) {
                    repeat {
                        if count >= maxItems {
                            // Too many: check the rest is JSON, and count it for the message.
                            try cursor.skipValue(depth: 2)
                        } else if try cursor.peek() == JSONByte.openBrace {
                            items.append(try JSONItemReader.read(&cursor, at: JSONItemReader.pointer("/results", String(count)), depth: 3))
                        } else {
                            try cursor.skipValue(depth: 2)
                            items.append(.unreadable(IntakeProblem(code: "json.type", message: "a result must be a JSON object",
                                                                   pointer: "/results/\(count)"), specimenId: nil))
                        }
                        count &+= 1
                    } while try cursor.next(JSONByte.closeBracket)
                }
            } while try cursor.next(JSONByte.closeBrace)
        }
        try cursor.finish()
        if seen & 1 != 0 {
            if let problem { return .failure(problem) }
            guard count <= maxItems else {
                return .failure(IntakeProblem(code: "batch.too_large",
                                              message: "a submission holds at most \(maxItems) results; this one has \(count)",
                                              pointer: "/results"))
            }
            return .success(Submission(submissionId: submissionId, items: items))
        }
        // No `results`: the body is one result. It is valid JSON (checked above); read it again as an item.
        cursor.index = start
        let item = try JSONItemReader.read(&cursor, at: "", depth: 1)
        return .success(Submission(submissionId: submissionId, items: [item]))
    }
}
