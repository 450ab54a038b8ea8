/// The allocator's inventory for a simulated city (`ALLOCATOR_SEED_FILE` format), sized by the
/// standards in DOMAIN.md: quarantine rooms at 60 per 10,000 residents (a quarter open, the rest
/// standby within 72 hours), and designated hospital, ICU and makeshift-hospital beds scaled
/// from Liaocheng's figures (1,969 designated beds, 2,000 fangcang beds with 2,000 more on
/// standby, for about six million people).
public enum FacilitySeed {
    /// The seed as JSON text; standby sites open `standbyLeadHours` after activation (the
    /// demo, whose days pass in seconds, uses 0).
    public static func json(for city: SimulatedCity, standbyLeadHours: Int = 72) -> String {
        let population = Double(city.residents.count)
        var perArea = Array(repeating: 0, count: city.areas.count)
        for resident in city.residents { perArea[Int(resident.area)] += 1 }
        func scaled(_ perTenThousand: Double, _ people: Int) -> Int { max(1, Int((Double(people) * perTenThousand / 10_000).rounded())) }
        var facilities: [String] = []
        for (index, area) in city.areas.enumerated() {
            let people = perArea[index]
            let rooms = scaled(60, people)
            let open = max(1, rooms / 4)
            let beds = scaled(3.3, people)
            let icu = max(1, beds / 10)
            facilities.append(facility(id: "SIM-DH-\(area.code)", name: "Designated hospital, \(area.name)", kind: "designatedHospital",
                                       area: area.code, status: "active", units: [("icuBed", icu), ("negativePressureBed", icu), ("generalBed", beds)]))
            facilities.append(facility(id: "SIM-QS-\(area.code)-1", name: "Quarantine hotel, \(area.name)", kind: "quarantineSite",
                                       area: area.code, status: "active", units: [("quarantineSingleRoom", open)]))
            facilities.append(facility(id: "SIM-QS-\(area.code)-2", name: "Standby quarantine site, \(area.name)", kind: "quarantineSite",
                                       area: area.code, status: "standby", units: [("quarantineSingleRoom", max(1, rooms - open))], leadHours: standbyLeadHours))
        }
        let fangcang = scaled(3.3, Int(population))
        let hub = city.areas[0].code
        facilities.append(facility(id: "SIM-FC-1", name: "Makeshift hospital", kind: "fangcang", area: hub, status: "active",
                                   units: [("generalBed", fangcang)]))
        facilities.append(facility(id: "SIM-FC-2", name: "Makeshift hospital, second hall", kind: "fangcang", area: hub, status: "standby",
                                   units: [("generalBed", fangcang)], leadHours: standbyLeadHours))
        let areas = city.areas.map { area in
            #"{"code":"\#(area.code)","name":"\#(area.name)","adjacent":[\#(area.adjacent.map { "\"\($0)\"" }.joined(separator: ","))]}"#
        }
        return "{\n\"areas\": [\n" + areas.joined(separator: ",\n") + "\n],\n\"facilities\": [\n" + facilities.joined(separator: ",\n") + "\n]\n}\n"
    }

    private static func facility(id: String, name: String, kind: String, area: String, status: String,
                                 units: [(String, Int)], leadHours: Int? = nil) -> String {
        let unitText = units.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",")
        let lead = leadHours.map { #","activationLeadHours":\#($0)"# } ?? ""
        return #"{"id":"\#(id)","name":"\#(name)","kind":"\#(kind)","areaCode":"\#(area)","status":"\#(status)"\#(lead),"units":{\#(unitText)}}"#
    }
}
