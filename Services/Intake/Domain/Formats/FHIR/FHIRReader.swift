import Foundation

/// Reads lab results from FHIR R4 JSON: a Bundle (`transaction`, `batch`, `collection` or
/// `message`), or NDJSON with one such Bundle per line.
///
/// Each Observation that carries a SARS-CoV-2 result becomes one ``SubmissionItem``
/// pointing at its entry (`/entry/3`); every value carries the JSON pointer (RFC 6901) of
/// where it was read, which may be inside another entry the Observation references
/// (`/entry/5/resource/identifier/0/value`). What counts as a result, and where its Ct
/// values, specimen, person, pool and times come from, is described on
/// `FHIRResultAssembler` and `FHIRPersonReader`; dates follow `SubmittedTimestamp`
/// (a date without a time is midnight China time).
///
/// The reader does not judge domain validity (missing specimen id, unknown test code,
/// Ct range, dates in the future): the shared validator does. It reports only what it
/// cannot read. Problem codes:
/// - thrown for the whole body: `fhir.json.invalid` (not JSON, or not an object),
///   `fhir.resource_type` (not a Bundle), `fhir.bundle.type` (another Bundle type),
///   `fhir.message.header` (a message Bundle whose first entry is not its MessageHeader),
///   `fhir.observation.missing` (no Observation carrying a SARS-CoV-2 result);
/// - per item, as ``SubmissionItem/unreadable(_:specimenId:)``:
///   `fhir.reference.unresolved` (subject, specimen or pool member not in the bundle),
///   `fhir.observation.status` (a status that is not a report, such as `registered`),
///   `fhir.datetime.invalid`, `fhir.quantity.invalid` (a Ct that is not a number).
///
/// Problem messages never quote values from the body. The reader never traps on input:
/// malformed shapes read as absent.
///
/// Concurrency: a stateless value; `Sendable`, callable from any context.
public struct FHIRReader: Sendable {
    /// Creates a reader.
    public init() {}

    /// Reads one Bundle. Throws ``IntakeProblem`` when the body as a whole cannot be read;
    /// otherwise returns one item per result Observation, in entry order.
    public func read(bundle: [UInt8]) throws(IntakeProblem) -> [SubmissionItem] {
        try read(bundle[...], pointerPrefix: "")
    }

    /// Reads NDJSON, one Bundle per line (blank lines are skipped). Pointers start with the
    /// 0-based line number (`/2/entry/3/...`). A line that cannot be read as a whole gives
    /// one unreadable item with that line's problem; the other lines are read as usual.
    public func read(ndjson: [UInt8]) -> [SubmissionItem] {
        var items: [SubmissionItem] = []
        var lineStart = ndjson.startIndex
        var lineNumber = 0
        while lineStart < ndjson.endIndex {
            let newline = ndjson[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? ndjson.endIndex
            var line = ndjson[lineStart..<newline]
            while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
                line = line.dropLast()
            }
            if line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) {
                do throws(IntakeProblem) {
                    items += try read(line, pointerPrefix: "/" + String(lineNumber))
                } catch {
                    items.append(.unreadable(error, specimenId: nil))
                }
            }
            lineNumber += 1
            lineStart = newline + 1
        }
        return items
    }

    private func read(_ body: ArraySlice<UInt8>, pointerPrefix: String) throws(IntakeProblem) -> [SubmissionItem] {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        } catch {
            // The parser's own message can quote the body; say only what is wrong.
            throw IntakeProblem(code: "fhir.json.invalid", message: "The body is not valid JSON (UTF-8, RFC 8259, at most 512 levels deep).", pointer: pointerPrefix)
        }
        let bundle = try FHIRBundle(root: FHIRNode(value: json, pointer: pointerPrefix))
        let items = FHIRResultAssembler(bundle: bundle).items()
        guard !items.isEmpty else {
            throw IntakeProblem(
                code: "fhir.observation.missing",
                message: "The Bundle has no Observation carrying a SARS-CoV-2 result (a SARS-CoV-2 LOINC code, a code naming the virus, or a SNOMED CT result value).",
                pointer: pointerPrefix + "/entry"
            )
        }
        return items
    }
}
