/// Splits an HL7 v2 body into its messages and reads each one.
///
/// The body may hold one message or many, bare, in an FHS/BHS batch (the batch
/// segments are checked and dropped), or with MLLP framing bytes (0x0B … 0x1C 0x0D)
/// left in. Segments may end in CR, LF or CRLF, mixed; blank lines are skipped. Every
/// message starts at an MSH segment; text before the first MSH becomes a message of its
/// own with ``HL7v2ProblemCode/mshMissing``, so nothing in the body goes unanswered.
///
/// A message is marked ``HL7v2ProblemCode/truncated`` when the body ends inside an MLLP
/// frame, when a batch (BHS) or file (FHS) has no trailer, or when BTS-1 counts more
/// messages than the batch holds: the last message read is the one cut off.
///
/// Pure: no I/O, no clock. Never traps, whatever the body holds.
/// Concurrency: a value type; `Sendable`.
public struct HL7v2Reader: Sendable {
    /// Creates a reader.
    public init() {}

    /// The messages of `body`, in order, indexed from 1.
    public func read(_ body: String) -> [HL7v2Message] {
        let (lines, endsInsideFrame) = Self.lines(of: body)
        var chunks: [[Substring]] = []
        var current: [Substring] = []
        var truncatedChunk: Int?
        var batchOpen = false
        var fileOpen = false
        var batchStart = 0
        var batchSeparator: Unicode.Scalar = "|"

        func close() {
            if !current.isEmpty { chunks.append(current) }
            current = []
        }

        for line in lines {
            let id = HL7v2MessageParser.segmentID(of: line, separator: nil)
            switch id {
            case "MSH":
                close()
                current = [line]
            case "FHS", "BHS":
                close()
                if let separator = line.unicodeScalars.dropFirst(3).first {
                    batchSeparator = separator
                }
                if id == "FHS" {
                    fileOpen = true
                } else {
                    batchOpen = true
                    batchStart = chunks.count
                }
            case "BTS":
                close()
                let fields = HL7v2Encoding.split(line, at: batchSeparator)
                let counted = fields.count > 1 ? Int(fields[1].trimmingWhitespace) : nil
                if let counted, counted > chunks.count - batchStart, !chunks.isEmpty {
                    truncatedChunk = chunks.count - 1
                }
                batchOpen = false
            case "FTS":
                close()
                fileOpen = false
            default:
                current.append(line)
            }
        }
        close()
        if (endsInsideFrame || batchOpen || fileOpen), !chunks.isEmpty {
            truncatedChunk = chunks.count - 1
        }

        return chunks.enumerated().map { offset, chunk in
            var message = HL7v2MessageParser.parse(lines: chunk, index: offset + 1)
            if offset == truncatedChunk, message.messageProblem == nil {
                message.items = []
                message.messageProblem = IntakeProblem(
                    code: HL7v2ProblemCode.truncated,
                    message: "Message \(offset + 1) was cut off: the MLLP frame, batch or file it is in was not closed, or the batch trailer counts more messages than arrived. Resend it.",
                    pointer: message.pointer
                )
            }
            if message.messageProblem != nil {
                message.items = []
            }
            return message
        }
    }

    /// The non-blank lines of `body`, trimmed, with MLLP framing bytes and a BOM removed;
    /// and whether the body ends inside an MLLP frame (a 0x0B with no 0x1C after it).
    private static func lines(of body: String) -> (lines: [Substring], endsInsideFrame: Bool) {
        var text = String.UnicodeScalarView()
        var frameOpen = false
        for scalar in body.unicodeScalars {
            switch scalar {
            case "\u{0B}": frameOpen = true
            case "\u{1C}": frameOpen = false
            case "\u{FEFF}": break
            default: text.append(scalar)
            }
        }
        let joined = String(text)
        var lines: [Substring] = []
        var start = joined.unicodeScalars.startIndex
        var index = start
        let scalars = joined.unicodeScalars
        func emit(until end: String.UnicodeScalarView.Index) {
            let line = Substring(scalars[start..<end]).trimmingWhitespace
            if !line.isEmpty { lines.append(line) }
        }
        while index < scalars.endIndex {
            if scalars[index] == "\r" || scalars[index] == "\n" {
                emit(until: index)
                start = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        emit(until: scalars.endIndex)
        return (lines, frameOpen)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingWhitespace: Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return Substring() }
        return Substring(scalars[first...last])
    }
}
