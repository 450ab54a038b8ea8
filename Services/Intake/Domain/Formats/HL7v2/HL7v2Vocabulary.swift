/// The codes the HL7 v2 reader recognises in OBX-3, OBX-2 and PID-3.
///
/// Lists are deliberately short and conservative: an observation the lists do not
/// name is still read by its data type (coded or text → qualitative result), so a
/// missing code costs a preference, never a result.
enum HL7v2Vocabulary {
    /// LOINC codes of an overall SARS-CoV-2 result (NAAT, antigen), preferred when an
    /// OBR group carries several qualitative OBX rows.
    static let overallResultCodes: Set<String> = [
        "94500-6", "94309-2", "94534-5", "94558-4", "95209-3", "94531-1", "94565-9",
        "94845-5", "94759-8", "94756-4", "94757-2", "94502-2", "94306-8", "95406-5",
        "95409-9", "96119-3", "96120-1", "96123-5", "96448-6", "97097-0",
    ]

    /// LOINC codes of a Ct observation, with the target they measure (nil: the text names it).
    static let ctCodes: [String: String?] = [
        "94509-7": "N",
        "94511-3": "ORF1ab",
        "94510-5": "E",
        "94644-2": "RdRp",
        "94646-7": "RdRp",
        "94745-7": nil,
        "94746-5": nil,
    ]

    /// LOINC codes of ask-at-order-entry questions sent as OBX rows next to the results.
    static let askAtOrderEntryCodes: Set<String> = [
        "95418-0", "95417-2", "95421-4", "95419-8", "95420-6", "65222-2", "11368-8",
        "77974-4", "82810-3", "11449-6", "30525-0", "21612-7", "76689-9", "76691-5", "85658-3",
    ]

    /// OBX-2 types whose OBX-5 reads as a qualitative result.
    static let qualitativeTypes: Set<String> = ["CWE", "CE", "CNE", "CF", "ST", "TX", "FT", "IS", "ID"]

    /// OBX-2 types whose OBX-5 is coded (the code is component 1).
    static let codedTypes: Set<String> = ["CWE", "CE", "CNE", "CF"]

    /// OBX-2 types a Ct value may be sent as.
    static let numericTypes: Set<String> = ["NM", "SN", "ST"]

    /// Every HL7 v2 data type OBX-2 may name (table 0125 and common extensions).
    static let dataTypes: Set<String> = [
        "AD", "CE", "CF", "CK", "CN", "CNE", "CP", "CWE", "CX", "DR", "DT", "DTM", "ED", "FT",
        "ID", "IS", "MA", "MO", "NA", "NM", "PN", "RP", "SN", "ST", "TM", "TN", "TS", "TX",
        "XAD", "XCN", "XON", "XPN", "XTN",
    ]

    /// Whether the words of an observation's names mention SARS-CoV-2.
    static func mentionsSARSCoV2(_ texts: [String]) -> Bool {
        texts.contains { text in
            let lower = text.lowercased()
            return ["sars-cov-2", "sars cov 2", "sars-cov2", "covid", "2019-ncov", "新型冠状病毒", "新冠"]
                .contains { lower.contains($0) }
        }
    }

    /// Whether the names say the observation is for one target (a gene), not the overall result.
    static func mentionsTarget(_ texts: [String]) -> Bool {
        texts.contains { text in
            let lower = text.lowercased()
            return ["gene", "orf1", "rdrp", "基因"].contains { lower.contains($0) }
        }
    }

    /// Whether the names or units say the observation is a cycle threshold.
    static func mentionsCt(_ texts: [String]) -> Bool {
        texts.contains { text in
            let lower = text.lowercased()
            if lower.contains("cycle threshold") || lower.contains("循环阈值") || lower.contains("ct值") {
                return true
            }
            return words(lower).contains { $0 == "ct" || $0 == "ct_value" || $0 == "cq" }
        }
    }

    /// The assay target an observation's names mention, as a canonical name.
    static func target(in texts: [String]) -> String? {
        for text in texts {
            let lower = text.lowercased()
            if lower.contains("orf1") { return "ORF1ab" }
            if lower.contains("rdrp") { return "RdRp" }
            let tokens = words(lower)
            // A target is a word of its own (`N gene`), fused with `gene` (`Ngene`) or with
            // Chinese text, which has no spaces (`N基因Ct值`).
            for name in ["N1", "N2", "N", "E", "S"] {
                let word = name.lowercased()
                if tokens.contains(where: { $0 == word || $0 == word + "gene" || $0.hasPrefix(word + "基因") }) {
                    return name
                }
            }
        }
        return nil
    }

    /// Whether a PID-3 identifier is a PRC resident identity card number, by its assigning
    /// authority or identifier type, or, when it states no type, by its shape.
    static func isNationalID(_ id: String, authority: String?, type: String?) -> Bool {
        if let authority {
            let upper = authority.uppercased()
            if upper.contains("CHN") || upper.contains("PRC") { return true }
        }
        if let type {
            let upper = type.uppercased()
            return upper == "NI" || upper == "NNCHN"
        }
        let scalars = Array(id.unicodeScalars)
        func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x30 && scalar.value <= 0x39 }
        switch scalars.count {
        case 15: return scalars.allSatisfy(isDigit)
        case 18:
            guard let last = scalars.last else { return false }
            return scalars.dropLast().allSatisfy(isDigit) && (isDigit(last) || last == "X" || last == "x")
        default: return false
        }
    }

    /// Lowercased runs of letters and digits.
    private static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)
    }
}
