/// The terminology the FHIR reader uses to tell a SARS-CoV-2 result Observation from
/// the Observations around it, and a Ct reading from other components.
///
/// These lists only decide *which* Observations become items; the codes themselves are
/// passed on as sent and judged by the validator (an unknown LOINC code is the
/// validator's rejection, not the reader's).
///
/// Concurrency: constants only.
enum FHIRCodes {
    static let loinc = "http://loinc.org"
    static let snomed = "http://snomed.info/sct"

    /// LOINC terms for SARS-CoV-2 RNA and antigen presence results and panels: any of these
    /// on `Observation.code` makes the Observation a result.
    static let resultTests: Set<String> = [
        "94500-6", // RNA [Presence] in Respiratory specimen by NAA with probe detection
        "94309-2", // RNA [Presence] in Specimen by NAA with probe detection
        "94534-5", // RdRp gene [Presence] in Respiratory specimen by NAA
        "94533-7", // N gene [Presence] in Respiratory specimen by NAA
        "94845-5", // RNA [Presence] in Saliva by NAA
        "94759-8", // RNA [Presence] in Nasopharynx by NAA
        "94316-7", // N gene [Presence] in Specimen by NAA
        "94756-4", // N gene [Presence] in Respiratory specimen, CDC primer-probe set N1
        "95608-6", // RNA [Presence] in Respiratory specimen by NAA with non-probe detection
        "96829-7", // RNA [Presence] in Specimen from Donor by NAA
        "94558-4", // Ag [Presence] in Respiratory specimen by Rapid immunoassay
        "95209-3", // SARS-CoV+SARS-CoV-2 Ag [Presence] in Respiratory specimen by Rapid immunoassay
        "97097-0", // Ag [Presence] in Upper respiratory specimen by Rapid immunoassay
        "94531-1", // RNA panel - Respiratory specimen by NAA
        "94306-8", // RNA panel - Specimen by NAA
    ]

    /// LOINC terms for a single target's cycle threshold, with the target name the reader
    /// gives them.
    static let ctTargets: [String: String] = [
        "94509-7": "N",
        "94511-3": "ORF1ab",
        "94510-5": "E",
        "94644-2": "RdRp",
        "94646-7": "RdRp",
    ]

    /// SNOMED CT qualitative result values. An Observation whose value is one of these is a
    /// result even when its code is a local one.
    static let resultValues: Set<String> = [
        "260373001", // Detected
        "260415000", // Not detected
        "419984006", // Inconclusive
        "455371000124106", // Invalid result
        "10828004", // Positive
        "260385009", // Negative
        "720735008", // Presumptive positive
        "125154007", // Specimen unsatisfactory for evaluation
    ]

    /// Ask-at-order-entry questions (symptomatic, onset date, employed in healthcare,
    /// pregnancy, residence type, ...). They travel next to results and are never results.
    static let askAtOrderEntry: Set<String> = [
        "95419-8", "95418-0", "95417-2", "95421-4", "65222-2", "11368-8", "77974-4", "82810-3", "76691-5",
    ]

    /// Words in a code's text or display that name the virus.
    private static let virusWords = ["sars-cov-2", "sars-cov2", "sars cov 2", "sarscov2", "covid", "2019-ncov", "2019ncov", "新冠", "新型冠状病毒"]

    /// Whether a code text or display names SARS-CoV-2.
    static func namesVirus(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return virusWords.contains { lowered.contains($0) }
    }

    /// The assay target a Ct label names (`N gene Ct`, `ORF1ab Ct值`, `Ct RdRp`), spelled as
    /// the label spells it; `nil` when the label is not a Ct reading of a known target.
    ///
    /// A label is a Ct reading when it has the word `Ct` or `Cq` or says "cycle threshold";
    /// the target is its first word that is one of ORF1ab, ORF1a/b, ORF1, RdRp, RdRp/S,
    /// N, N1, N2, E or S (non-ASCII characters separate words, so `N基因Ct值` works).
    static func ctTarget(inLabel label: String) -> String? {
        let words = words(of: label)
        let lowered = words.map { $0.lowercased() }
        let isCt = lowered.contains("ct") || lowered.contains("cq") || label.lowercased().contains("cycle threshold")
        guard isCt else { return nil }
        for (index, word) in lowered.enumerated() where targetWords.contains(word) {
            return words[index]
        }
        // `ORF1ab/N` names two targets in one word: take the first part that is a target.
        for word in words where word.contains("/") {
            for part in word.split(separator: "/") where targetWords.contains(part.lowercased()) {
                return String(part)
            }
        }
        return nil
    }

    private static let targetWords: Set<String> = ["orf1ab", "orf1a/b", "orf1", "rdrp", "rdrp/s", "n", "n1", "n2", "e", "s"]

    /// Splits on everything but ASCII letters, digits and `/`.
    private static func words(of label: String) -> [String] {
        var words: [String] = []
        var current = ""
        for scalar in label.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "/" {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.map { $0.trimmingSlashes() }.filter { !$0.isEmpty }
    }
}

extension String {
    fileprivate func trimmingSlashes() -> String {
        var view = Substring(self)
        while view.first == "/" { view = view.dropFirst() }
        while view.last == "/" { view = view.dropLast() }
        return String(view)
    }
}
