public import FangyiEvents

/// The codes labs use for SARS-CoV-2 tests, results, specimens and assay targets, and
/// what Fangyi reads them as. Matching ignores case and surrounding space.
///
/// Concurrency: immutable tables; pure functions.
public enum LabCodes {
    /// LOINC codes of SARS-CoV-2 tests and their kind.
    public static let testKinds: [String: TestKind] = [
        // RNA by nucleic acid amplification (NAA, RT-PCR)
        "94500-6": .pcr, "94309-2": .pcr, "94534-5": .pcr, "94533-7": .pcr, "94531-1": .pcr,
        "94845-5": .pcr, "94502-2": .pcr, "94559-2": .pcr, "94565-9": .pcr, "94306-8": .pcr,
        "94756-4": .pcr, "94757-2": .pcr, "94759-8": .pcr, "94760-6": .pcr, "95406-5": .pcr,
        "95409-9": .pcr, "95425-5": .pcr, "96094-8": .pcr,
        // Antigen (immunoassay)
        "94558-4": .antigen, "95209-3": .antigen, "96119-3": .antigen, "97097-0": .antigen,
        // Antibodies
        "94563-4": .serology, "94564-2": .serology, "94507-1": .serology, "94508-9": .serology,
        "94562-6": .serology, "94661-6": .serology, "94547-7": .serology,
    ]

    /// The qualitative reading of a coded or worded result, or nil for an unknown one.
    public static func qualitative(_ raw: String) -> QualitativeResult? {
        qualitativeTable[raw] ?? qualitativeTable[normalized(raw)]
    }

    private static let qualitativeTable: [String: QualitativeResult] = table([
        (.detected, ["260373001", "10828004", "detected", "positive", "pos", "+", "阳性", "检出", "reactive"]),
        (.notDetected, ["260415000", "260385009", "not detected", "not-detected", "notdetected", "negative", "neg", "-",
                        "阴性", "未检出", "nonreactive", "non-reactive"]),
        (.inconclusive, ["419984006", "82334004", "inconclusive", "indeterminate", "equivocal", "presumptive positive",
                         "455371000124106", "invalid", "可疑", "待复核"]),
    ])

    /// The specimen type named by a SNOMED CT code, an HL7 table 0487 code or a word.
    public static func specimenType(_ raw: String) -> SpecimenType? {
        specimenTable[raw] ?? specimenTable[normalized(raw)]
    }

    private static let specimenTable: [String: SpecimenType] = table([
        (.nasopharyngealSwab, ["258500001", "np", "nps", "nasopharyngeal swab", "nasopharyngeal", "鼻咽拭子"]),
        (.oropharyngealSwab, ["461911000124106", "258529004", "op", "ops", "thrt", "oropharyngeal swab", "throat swab",
                              "oropharyngeal", "咽拭子", "口咽拭子"]),
        (.nasalSwab, ["697989009", "445297001", "nasal swab", "anterior nares swab", "nasal", "鼻拭子"]),
        (.sputum, ["119334006", "sputum", "spt", "痰液", "痰"]),
        (.lowerRespiratorySecretion, ["258607008", "309171007", "lower respiratory secretion", "bronchoalveolar lavage", "bal",
                                      "下呼吸道分泌物"]),
        (.blood, ["119297000", "122555007", "bld", "blood", "serum", "plasma", "血液", "血清"]),
        (.feces, ["119339001", "stool", "feces", "faeces", "粪便"]),
        (.urine, ["122575003", "ur", "urine", "尿液"]),
    ])

    /// The assay target named by a lab (`ORF1ab`, `ORF1a/b`, `N gene`, `E`, `RdRp`, ...).
    public static func target(_ raw: String) -> AssayTarget? {
        if let exact = AssayTarget(rawValue: raw) { return exact }
        var name = normalized(raw)
        for suffix in [" ct", "-ct", "_ct", " gene", "-gene", "_gene"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
        }
        return targetTable[String(name.unicodeScalars.filter { $0 != " " })]
    }

    private static let targetTable: [String: AssayTarget] = table([
        (.orf1ab, ["orf1ab", "orf1a/b", "orf1", "orf"]),
        (.n, ["n", "n1", "n2", "ngene", "nucleocapsid"]),
        (.e, ["e", "egene", "envelope"]),
        (.rdrp, ["rdrp", "rdrpgene", "rdrp/hel"]),
    ])

    private static func table<Value>(_ rows: [(Value, [String])]) -> [String: Value] {
        var table: [String: Value] = [:]
        for (value, names) in rows {
            for name in names { table[name] = value }
        }
        return table
    }

    private static func normalized(_ raw: String) -> String {
        raw.normalizedCode
    }
}

/// A lab's own qualitative reading, before Fangyi's policy applies.
public enum QualitativeResult: Sendable, Equatable {
    /// The target was detected (positive).
    case detected
    /// Not detected (negative).
    case notDetected
    /// Neither: retest.
    case inconclusive
}
