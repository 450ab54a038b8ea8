/// Reads lab results from a CSV export (RFC 4180): one result per row, or one pool result
/// per group of rows sharing a `pool_id`.
///
/// Format: UTF-8 (a byte-order mark is skipped); the first row is the header; fields are
/// separated by commas — or by `;` or tabs when the header line has none of the former
/// but one of those; quoted fields may hold separators, newlines and `""`; lines end in
/// CRLF or LF; a final empty line is ignored, and so is any row whose fields are all
/// empty (spreadsheet exports leave them). The columns are listed on ``CSVColumn``.
///
/// Pointers: an item is `row R`, a value `row R, column NAME`, with rows counted from 1
/// for the header (the number a spreadsheet shows when no field spans lines).
///
/// The reader does not judge domain validity; the shared validator does. Problem codes:
/// - thrown for the whole body (pointer `row 1`): `csv.encoding.invalid` (not UTF-8),
///   `csv.header.missing` (empty body), `csv.column.missing` (no `specimen_id` column),
///   `csv.column.duplicate` (a known column twice), `csv.quote.unterminated` (in the header);
/// - per item: `csv.row.width` (not as many fields as the header), `csv.quote.unterminated`
///   (a quote opened and never closed: the rest of the body is that one field),
///   `csv.quote.invalid`, `csv.number.invalid` (Ct or version), `csv.status.invalid`,
///   `csv.datetime.invalid`, `csv.pool.inconsistent` (rows of one pool disagree).
///
/// A row with a problem is its own unreadable item, also when it carries a `pool_id`: the
/// pool is then read from its other rows.
///
/// Works on bytes: a 10,000-row export is read in a few milliseconds.
///
/// Concurrency: a stateless value; `Sendable`, callable from any context.
public struct CSVReader: Sendable {
    /// Creates a reader.
    public init() {}

    /// Reads `body`. Throws ``IntakeProblem`` when it is not a CSV this reader can use at
    /// all; otherwise returns one item per row or pool, in row order (a pool where its first
    /// row is).
    public func read(_ body: [UInt8]) throws(IntakeProblem) -> [SubmissionItem] {
        guard String(validating: body, as: UTF8.self) != nil else {
            throw IntakeProblem(
                code: "csv.encoding.invalid",
                message: "The body is not UTF-8 text; export the CSV as UTF-8 (not GBK or GB18030).",
                pointer: "row 1"
            )
        }
        let start = body.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var tokenizer = CSVTokenizer(bytes: body, start: start, separator: Self.separator(body, from: start))
        var fields: [CSVTokenizer.Field] = []
        switch tokenizer.next(into: &fields) {
        case .end:
            throw IntakeProblem(code: "csv.header.missing", message: "The body is empty; the first row must name the columns.", pointer: "row 1")
        case .unterminatedQuote:
            throw IntakeProblem(code: "csv.quote.unterminated", message: "The header row opens a quote that is never closed.", pointer: "row 1")
        case .record:
            break
        }
        let rows = try Self.rowReader(header: fields, bytes: body)

        var items: [SubmissionItem] = []
        var pools: [CSVPool] = []
        // Where each pool's item goes; filled in at the end, when the pool has all its rows.
        var poolSlots: [Int] = []
        var poolIndex: [String: Int] = [:]
        var number = 1
        var ended = false
        while !ended {
            let outcome = tokenizer.next(into: &fields)
            guard outcome != .end else { break }
            number += 1
            ended = outcome == .unterminatedQuote
            if !ended, fields.allSatisfy({ $0.start == $0.end }) { continue }
            var row = CSVRowReader.Row(result: SubmittedResult(pointer: "row \(number)"))
            do throws(IntakeProblem) {
                if ended {
                    throw IntakeProblem(
                        code: "csv.quote.unterminated",
                        message: "A field opens a quote that is never closed; the rest of the body was read as that field.",
                        pointer: rows.pointer(number, field: fields.count - 1)
                    )
                }
                guard fields.count == rows.width else {
                    throw IntakeProblem(
                        code: "csv.row.width",
                        message: "The row has \(fields.count) fields but the header has \(rows.width) columns; quote fields that contain the separator.",
                        pointer: "row \(number)"
                    )
                }
                try rows.read(number: number, fields: fields, bytes: body, into: &row)
            } catch {
                // For the receipt; with a wrong field count the cell may be shifted, but it is
                // the best guess the lab can match against its export.
                let specimenID = row.result.specimenId ?? rows.specimenID(number: number, fields: fields, bytes: body)
                items.append(.unreadable(error, specimenId: specimenID?.value))
                continue
            }
            if let poolID = row.result.poolId?.value {
                if let existing = poolIndex[poolID] {
                    pools[existing].add(row)
                } else {
                    poolIndex[poolID] = pools.count
                    poolSlots.append(items.count)
                    items.append(.unreadable(IntakeProblem(code: "", message: "", pointer: ""), specimenId: nil))
                    pools.append(CSVPool(first: row))
                }
            } else {
                items.append(.read(row.result))
            }
        }
        for (pool, slot) in zip(pools, poolSlots) {
            items[slot] = pool.item
        }
        return items
    }

    /// Comma, unless the header line has no comma but a `;` or a tab.
    private static func separator(_ body: [UInt8], from start: Int) -> UInt8 {
        var semicolon = false
        var tab = false
        var index = start
        while index < body.count, body[index] != UInt8(ascii: "\n") {
            switch body[index] {
            case UInt8(ascii: ","): return UInt8(ascii: ",")
            case UInt8(ascii: ";"): semicolon = true
            case UInt8(ascii: "\t"): tab = true
            default: break
            }
            index += 1
        }
        return semicolon ? UInt8(ascii: ";") : tab ? UInt8(ascii: "\t") : UInt8(ascii: ",")
    }

    private static func rowReader(header: [CSVTokenizer.Field], bytes: [UInt8]) throws(IntakeProblem) -> CSVRowReader {
        var layout: [CSVColumn: Int] = [:]
        var names: [String] = []
        for (index, field) in header.enumerated() {
            let name = normalizedName(bytes[field.start..<field.end])
            names.append(name)
            guard let column = CSVColumn(rawValue: name) else { continue }
            guard layout[column] == nil else {
                throw IntakeProblem(code: "csv.column.duplicate", message: "The header names the column \(column.rawValue) twice.", pointer: "row 1")
            }
            layout[column] = index
        }
        guard layout[.specimenId] != nil else {
            throw IntakeProblem(
                code: "csv.column.missing",
                message: "The header has no specimen_id column; the first row must name the columns (specimen_id is required; see the documented column list).",
                pointer: "row 1"
            )
        }
        return CSVRowReader(layout: layout, width: header.count, names: names)
    }

    /// Trimmed, lowercased (ASCII), `-` and space as `_`; `""` quotes of the header cell dropped.
    private static func normalizedName(_ raw: ArraySlice<UInt8>) -> String {
        var bytes = Array(raw.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { bytes.removeLast() }
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes[index] += 32
            case UInt8(ascii: "-"), UInt8(ascii: " "): bytes[index] = UInt8(ascii: "_")
            default: break
            }
        }
        return String(decoding: bytes.filter { $0 != UInt8(ascii: "\"") }, as: UTF8.self)
    }
}
