public import Foundation

/// The simulated days on the calendar, in China time (UTC+08:00): day 0 starts at midnight
/// `days` days before the current one, so every simulated time has passed when it is sent.
public struct SimulatedCalendar: Sendable {
    /// Midnight of day 0.
    public let start: Date
    private let dates: [(year: Int, month: Int, day: Int)]

    /// The calendar for `days` days ending yesterday (China time) as of `now`.
    public init(days: Int, now: Date) {
        let offset = 8 * 3600.0
        let today = ((now.timeIntervalSince1970 + offset) / 86_400).rounded(.down)
        start = Date(timeIntervalSince1970: (today - Double(days)) * 86_400 - offset)
        dates = (0..<days).map { SimulatedCity.civilDate(daysSinceEpoch: Int(today) - days + $0) }
    }

    /// The instant of `minute` past midnight on `day`.
    public func date(day: Int, minute: Int) -> Date { start.addingTimeInterval(Double(day * 86_400 + minute * 60)) }

    /// `2022-03-14T08:30:00+08:00`.
    func iso(day: Int, minute: Int) -> String {
        let d = dates[day]
        return "\(padded(d.year, width: 4))-\(padded(d.month, width: 2))-\(padded(d.day, width: 2))T"
            + "\(padded(minute / 60, width: 2)):\(padded(minute % 60, width: 2)):00+08:00"
    }

    /// `20220314083000+0800` (HL7 DTM).
    func hl7(day: Int, minute: Int) -> String {
        "\(compact(day))\(padded(minute / 60, width: 2))\(padded(minute % 60, width: 2))00+0800"
    }

    /// `20220314`.
    func compact(_ day: Int) -> String {
        let d = dates[day]
        return padded(d.year, width: 4) + padded(d.month, width: 2) + padded(d.day, width: 2)
    }
}

/// How a lab sends its results to intake.
public enum SubmissionFormat: String, CaseIterable, Sendable {
    case json, csv, hl7v2, fhir

    /// The intake route.
    public var path: String {
        switch self {
        case .json: "/v1/results"
        case .csv: "/v1/results/csv"
        case .hl7v2: "/v1/results/hl7v2"
        case .fhir: "/v1/results/fhir"
        }
    }

    public var contentType: String {
        switch self {
        case .json: "application/json"
        case .csv: "text/csv"
        case .hl7v2: "x-application/hl7-v2+er7"
        case .fhir: "application/fhir+json"
        }
    }
}

/// One request a simulated lab sends: a batch of results in one format.
public struct LabSubmission: Sendable {
    /// The sending lab (its id and the token to send with).
    public let lab: SimulatedLab
    public let format: SubmissionFormat
    public let body: [UInt8]
    public let count: Int
}

/// A simulated lab: its id and bearer token (the development registry's labs).
public struct SimulatedLab: Sendable {
    public let id: String
    public let token: String

    /// The two labs of `deploy/intake/labs.dev.json`.
    public static let development = [
        SimulatedLab(id: "lab-lc-001", token: "dev-token-lab-lc-001"),
        SimulatedLab(id: "lab-lc-002", token: "dev-token-lab-lc-002"),
    ]
}

/// Writes a day's results as the labs' submissions: tests split between the labs by the
/// resident's area, batches of `batchSize` in turn as JSON, CSV, HL7 v2 and FHIR.
public struct SubmissionWriter: Sendable {
    public let city: SimulatedCity
    public let calendar: SimulatedCalendar
    public let labs: [SimulatedLab]
    public let batchSize: Int

    public init(city: SimulatedCity, calendar: SimulatedCalendar, labs: [SimulatedLab] = SimulatedLab.development, batchSize: Int = 1_000) {
        self.city = city
        self.calendar = calendar
        self.labs = labs
        self.batchSize = batchSize
    }

    /// The submissions of `day`'s tests.
    public func submissions(day: Int, tests: [SimulatedTest]) -> [LabSubmission] {
        var byLab = Array(repeating: [Int](), count: labs.count)
        for (index, test) in tests.enumerated() { byLab[Int(city.residents[Int(test.resident)].area) % labs.count].append(index) }
        var result: [LabSubmission] = []
        var batchNumber = 0
        for (labIndex, indices) in byLab.enumerated() {
            for start in stride(from: 0, to: indices.count, by: batchSize) {
                let slice = indices[start..<min(indices.count, start + batchSize)]
                let format = SubmissionFormat.allCases[batchNumber % SubmissionFormat.allCases.count]
                let items = slice.map { (specimen: "SIM\(calendar.compact(day))-\($0)", test: tests[$0]) }
                let body: String = switch format {
                case .json: json(items, day: day)
                case .csv: csv(items, day: day)
                case .hl7v2: hl7(items, day: day, lab: labs[labIndex].id)
                case .fhir: fhir(items, day: day)
                }
                result.append(LabSubmission(lab: labs[labIndex], format: format, body: Array(body.utf8), count: slice.count))
                batchNumber += 1
            }
        }
        return result
    }

    private func qualitative(_ test: SimulatedTest) -> (word: String, snomed: String) {
        test.positive ? ("detected", "260373001") : test.inconclusive ? ("inconclusive", "419984006") : ("not detected", "260415000")
    }

    private func ct(_ value: Double?) -> String { value.map { String($0) } ?? "" }

    private func json(_ items: [(specimen: String, test: SimulatedTest)], day: Int) -> String {
        let results = items.map { item -> String in
            let test = item.test, resident = Int(test.resident), contact = city.contact(resident)
            let targets = [("ORF1ab", test.orf1ab), ("N", test.n)].map { name, value in
                value.map { #"{"target":"\#(name)","ct":\#($0)}"# } ?? #"{"target":"\#(name)"}"#
            }.joined(separator: ",")
            return #"{"specimenId":"\#(item.specimen)","testCode":"94500-6","specimenType":"258529004","#
                + #""result":"\#(qualitative(test).word)","targets":[\#(targets)],"#
                + #""collectedAt":"\#(calendar.iso(day: day, minute: Int(test.collected)))","reportedAt":"\#(calendar.iso(day: day, minute: Int(test.reported)))","#
                + #""person":{"nationalId":"\#(city.nationalID(resident))","name":"\#(contact.name)","phone":"\#(contact.phone)","#
                + #""address":"\#(contact.address)","areaCode":"\#(city.areas[Int(city.residents[resident].area)].code)"}}"#
        }
        return #"{"submissionId":"\#(items.first?.specimen ?? "")","results":[\#(results.joined(separator: ","))]}"#
    }

    private func csv(_ items: [(specimen: String, test: SimulatedTest)], day: Int) -> String {
        var lines = ["specimen_id,national_id,name,phone,area_code,test_code,result,orf1ab_ct,n_ct,specimen_type,collected_at,reported_at"]
        for item in items {
            let test = item.test, resident = Int(test.resident), contact = city.contact(resident)
            lines.append([item.specimen, city.nationalID(resident), contact.name, contact.phone,
                          city.areas[Int(city.residents[resident].area)].code, "94500-6", qualitative(test).word,
                          ct(test.orf1ab), ct(test.n), "258529004",
                          calendar.iso(day: day, minute: Int(test.collected)), calendar.iso(day: day, minute: Int(test.reported))]
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func hl7(_ items: [(specimen: String, test: SimulatedTest)], day: Int, lab: String) -> String {
        items.enumerated().map { number, item in
            let test = item.test, resident = Int(test.resident), contact = city.contact(resident)
            let (word, snomed) = qualitative(test)
            let collected = calendar.hl7(day: day, minute: Int(test.collected)), reported = calendar.hl7(day: day, minute: Int(test.reported))
            let family = String(contact.name.prefix(1)), given = String(contact.name.dropFirst())
            var segments = [
                #"MSH|^~\&|SIMLIS|\#(lab)|FANGYI|FANGYI|\#(reported)||ORU^R01^ORU_R01|\#(item.specimen)-\#(number)|P|2.5.1"#,
                "PID|1||\(city.nationalID(resident))^^^CHN^NNCHN||\(family)^\(given)|||||||^PRN^CP^^86^^\(contact.phone)",
                "OBR|1||\(item.specimen)|94500-6^SARS-CoV-2 RNA^LN|||\(collected)",
                "OBX|1|CWE|94500-6^SARS-CoV-2 RNA^LN||\(snomed)^\(word.capitalized)^SCT||||||F",
            ]
            if let n = test.n { segments.append("OBX|2|NM|94509-7^SARS-CoV-2 N gene Ct^LN||\(n)|{Ct_value}|||||F") }
            if let orf = test.orf1ab { segments.append("OBX|3|NM|94511-3^SARS-CoV-2 ORF1ab Ct^LN||\(orf)|{Ct_value}|||||F") }
            segments.append("SPM|1|\(item.specimen)||258529004^Throat swab^SCT")
            return segments.joined(separator: "\r") + "\r"
        }.joined()
    }

    private func fhir(_ items: [(specimen: String, test: SimulatedTest)], day: Int) -> String {
        var entries: [String] = []
        for (number, item) in items.enumerated() {
            let test = item.test, resident = Int(test.resident), contact = city.contact(resident)
            let (_, snomed) = qualitative(test)
            entries.append(#"{"fullUrl":"urn:uuid:p\#(number)","resource":{"resourceType":"Patient","identifier":[{"system":"urn:oid:2.16.156.10011.1.1","value":"\#(city.nationalID(resident))"}],"#
                + #""name":[{"text":"\#(contact.name)"}],"telecom":[{"system":"phone","value":"\#(contact.phone)"}]}}"#)
            entries.append(#"{"fullUrl":"urn:uuid:s\#(number)","resource":{"resourceType":"Specimen","identifier":[{"value":"\#(item.specimen)"}],"#
                + #""type":{"coding":[{"system":"http://snomed.info/sct","code":"258529004"}]},"collection":{"collectedDateTime":"\#(calendar.iso(day: day, minute: Int(test.collected)))"}}}"#)
            let components = [("94511-3", test.orf1ab), ("94509-7", test.n)].compactMap { code, value in
                value.map { #"{"code":{"coding":[{"system":"http://loinc.org","code":"\#(code)"}]},"valueQuantity":{"value":\#($0)}}"# }
            }.joined(separator: ",")
            entries.append(#"{"fullUrl":"urn:uuid:o\#(number)","resource":{"resourceType":"Observation","status":"final","#
                + #""code":{"coding":[{"system":"http://loinc.org","code":"94500-6"}]},"subject":{"reference":"urn:uuid:p\#(number)"},"#
                + #""specimen":{"reference":"urn:uuid:s\#(number)"},"issued":"\#(calendar.iso(day: day, minute: Int(test.reported)))","#
                + #""valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"\#(snomed)"}]},"component":[\#(components)]}}"#)
        }
        return #"{"resourceType":"Bundle","type":"collection","entry":[\#(entries.joined(separator: ","))]}"#
    }
}
