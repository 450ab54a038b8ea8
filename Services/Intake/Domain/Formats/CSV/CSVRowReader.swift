import Foundation

/// Reads the known columns of one CSV record into a ``SubmittedResult``, given where the
/// header put each column.
///
/// Works on the body's bytes: a cell becomes a `String` only when its column is one the
/// reader uses and it is not empty.
///
/// Concurrency: an immutable value used by one reader call.
struct CSVRowReader {
    /// What one data row holds.
    struct Row {
        /// The row read as an individual result (`poolId` set when the row is a pool member).
        var result: SubmittedResult
        /// The `pool_specimen_id` cell.
        var poolSpecimenId: Located<String>?
    }

    /// Number of header fields; every record must have as many.
    let width: Int
    /// Header names (normalized) by field index, for pointers to columns the reader does not know.
    let names: [String]
    /// By ``CSVColumn/ordinal``: the column's field index in every record, or -1.
    private let fieldIndex: [Int]
    /// By ``CSVColumn/ordinal``: `, column NAME`, so a pointer costs one concatenation.
    private let pointerSuffix: [String]

    /// A reader for records laid out as `layout` says (column → field index).
    init(layout: [CSVColumn: Int], width: Int, names: [String]) {
        self.width = width
        self.names = names
        var fieldIndex = [Int](repeating: -1, count: CSVColumn.allCases.count)
        var pointerSuffix = [String](repeating: "", count: CSVColumn.allCases.count)
        for column in CSVColumn.allCases {
            fieldIndex[column.ordinal] = layout[column] ?? -1
            pointerSuffix[column.ordinal] = ", column " + column.rawValue
        }
        self.fieldIndex = fieldIndex
        self.pointerSuffix = pointerSuffix
    }

    /// Reads row `number` (1-based, the header is row 1) into `row`, replacing what it held;
    /// on a problem, `row.result` keeps what was read before it (the specimen id comes
    /// first, for the receipt).
    func read(number: Int, fields: [CSVTokenizer.Field], bytes: [UInt8], into row: inout Row) throws(IntakeProblem) {
        let cells = cells(number, fields, bytes)
        row.result = SubmittedResult(pointer: cells.row)
        row.result.specimenId = cells.text(.specimenId)
        if let malformed = fields.firstIndex(where: \.malformed) {
            throw IntakeProblem(
                code: "csv.quote.invalid",
                message: "A quoted field has text after its closing quote; quote the whole field and write a quote inside it as \"\".",
                pointer: pointer(number, field: malformed)
            )
        }
        row.result.labId = cells.text(.labId)
        if let status = cells.text(.status) {
            row.result.status = try Self.status(status)
        }
        if let version = cells.text(.version) {
            guard let value = Int(version.value) else {
                throw IntakeProblem(code: "csv.number.invalid", message: "version must be a whole number.", pointer: version.pointer)
            }
            row.result.version = Located(value, at: version.pointer)
        }
        row.result.person.nationalId = cells.text(.nationalId)
        row.result.person.identifier = cells.text(.patientId)
        row.result.person.assigningAuthority = cells.text(.patientIdAuthority)
        row.result.person.name = cells.text(.name)?.value
        row.result.person.phone = cells.text(.phone)?.value
        row.result.person.address = cells.text(.address)?.value
        row.result.person.areaCode = cells.text(.areaCode)
        row.result.testCode = cells.text(.testCode)
        row.result.qualitativeResult = cells.text(.result)
        for (column, target) in CSVColumn.ctColumns where fieldIndex[column.ordinal] >= 0 {
            let pointer = cells.pointer(column)
            row.result.targets.append(SubmittedTarget(name: Located(target, at: pointer), ct: try cells.ct(column, at: pointer)))
        }
        row.result.specimenType = cells.text(.specimenType)
        row.result.collectedAt = try cells.date(.collectedAt)
        row.result.reportedAt = try cells.date(.reportedAt)
        row.result.poolId = cells.text(.poolId)
        row.result.retestOfPoolId = cells.text(.retestOfPoolId)
        row.poolSpecimenId = cells.text(.poolSpecimenId)
    }

    /// The `specimen_id` cell of any record, whatever its width.
    func specimenID(number: Int, fields: [CSVTokenizer.Field], bytes: [UInt8]) -> Located<String>? {
        cells(number, fields, bytes).text(.specimenId)
    }

    private func cells(_ number: Int, _ fields: [CSVTokenizer.Field], _ bytes: [UInt8]) -> Cells {
        Cells(row: "row " + String(number), fields: fields, bytes: bytes, fieldIndex: fieldIndex, pointerSuffix: pointerSuffix)
    }

    /// `row R, column NAME` for field `index`; `row R` past the header's width.
    func pointer(_ number: Int, field index: Int) -> String {
        index < names.count ? "row \(number), column \(names[index])" : "row \(number)"
    }

    private static func status(_ text: Located<String>) throws(IntakeProblem) -> Located<SubmittedStatus> {
        switch text.value.lowercased() {
        case "final", "f":
            return Located(.final, at: text.pointer)
        case "corrected", "c":
            return Located(.corrected, at: text.pointer)
        case "cancelled", "canceled", "x":
            return Located(.cancelled, at: text.pointer)
        default:
            throw IntakeProblem(code: "csv.status.invalid", message: "status must be final, corrected or cancelled (or F, C, X).", pointer: text.pointer)
        }
    }

    /// The cells of one record.
    private struct Cells {
        /// `row R`
        let row: String
        let fields: [CSVTokenizer.Field]
        let bytes: [UInt8]
        let fieldIndex: [Int]
        let pointerSuffix: [String]

        func pointer(_ column: CSVColumn) -> String {
            row + pointerSuffix[column.ordinal]
        }

        /// The trimmed bytes of `column`'s cell; `nil` when the column is absent or the cell empty.
        func bytes(_ column: CSVColumn) -> ArraySlice<UInt8>? {
            let position = fieldIndex[column.ordinal]
            guard position >= 0, position < fields.count else { return nil }
            let field = fields[position]
            var start = field.start
            var end = field.end
            while start < end, Self.isBlank(bytes[start]) { start += 1 }
            while end > start, Self.isBlank(bytes[end - 1]) { end -= 1 }
            guard start < end else { return nil }
            guard field.escaped else { return bytes[start..<end] }
            var unescaped: [UInt8] = []
            unescaped.reserveCapacity(end - start)
            var index = start
            while index < end {
                unescaped.append(bytes[index])
                index += bytes[index] == UInt8(ascii: "\"") && index + 1 < end && bytes[index + 1] == UInt8(ascii: "\"") ? 2 : 1
            }
            return unescaped[...]
        }

        func text(_ column: CSVColumn) -> Located<String>? {
            guard let cell = bytes(column) else { return nil }
            return Located(String(decoding: cell, as: UTF8.self), at: pointer(column))
        }

        func ct(_ column: CSVColumn, at pointer: String) throws(IntakeProblem) -> Located<Double>? {
            guard let cell = bytes(column) else { return nil }
            if let value = SubmittedDecimal.value(cell) { return Located(value, at: pointer) }
            if CSVColumn.noAmplification.contains(String(decoding: cell, as: UTF8.self).lowercased()) { return nil }
            throw IntakeProblem(
                code: "csv.number.invalid",
                message: "\(column.rawValue) must be a decimal number such as 32.5, or empty when the target did not amplify.",
                pointer: pointer
            )
        }

        func date(_ column: CSVColumn) throws(IntakeProblem) -> Located<Date>? {
            guard let cell = bytes(column) else { return nil }
            guard let date = SubmittedTimestamp.date(cell, rules: .export) else {
                throw IntakeProblem(
                    code: "csv.datetime.invalid",
                    message: "\(column.rawValue) must be ISO 8601 with an offset (2022-05-03T09:15:00+08:00) or China time as 2022-05-03 09:15[:30].",
                    pointer: pointer(column)
                )
            }
            return Located(date, at: pointer(column))
        }

        private static func isBlank(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
        }
    }
}
