/// A named outbreak the simulator can run; `SimulationSettings.preset(_:seed:)` gives its sizes.
public enum SimulationScenario: String, CaseIterable, Sendable {
    /// Eleven chains seeded by imported infections, after Liaocheng's 2022 table.
    case liaocheng2022 = "liaocheng-2022"
    /// A city-wide testing round of 1,551,000 people (the school round in the seeds).
    case massTesting = "mass-testing"
    /// More cases than beds: waitlists, transfers, standby activation.
    case surge
}

/// One imported infection that starts a transmission chain.
public struct ImportedChain: Sendable, Equatable {
    /// The chain's number in the source table.
    public var number: Int
    /// The simulated day the imported person arrives, already infected.
    public var day: Int
    /// The district the person lives in.
    public var areaCode: String
    /// Where the infection came from (the table's "source" column).
    public var source: String
}

/// Everything that decides a simulated city and its outbreak. Two runs with equal settings
/// produce the same city, the same infections and the same events.
public struct SimulationSettings: Sendable, Equatable {
    public var scenario: SimulationScenario
    public var seed: UInt64
    /// Residents of the city.
    public var population: Int
    /// Simulated days.
    public var days: Int
    /// Multiplies every public-venue visit rate (1 = ordinary life; lower under static management).
    public var mobility: Double
    /// Multiplies every infection odds.
    public var transmission: Double
    /// The share of working residents in key populations, tested on a fixed rhythm.
    public var keyPopulationShare: Double
    /// Key populations are tested every this many days.
    public var keyTestEveryDays: Int
    /// Days on which every resident not tested yet in the round is tested, the round split
    /// evenly over them.
    public var massTestingDays: [Int]
    /// The chains' first infections.
    public var imports: [ImportedChain]

    /// The scenario's settings with seed `seed`.
    public static func preset(_ scenario: SimulationScenario, seed: UInt64 = 2022) -> SimulationSettings {
        switch scenario {
        case .liaocheng2022:
            let days = 21
            return SimulationSettings(
                scenario: scenario, seed: seed, population: 200_000, days: days, mobility: 1, transmission: 0.7,
                keyPopulationShare: 0.10, keyTestEveryDays: 3, massTestingDays: [],
                imports: liaochengChains(days: days))
        case .massTesting:
            return SimulationSettings(
                scenario: scenario, seed: seed, population: 1_551_000, days: 6, mobility: 0.25, transmission: 0.7,
                keyPopulationShare: 0.10, keyTestEveryDays: 3, massTestingDays: [2, 3, 4],
                imports: (0..<6).map { ImportedChain(number: $0 + 1, day: 0, areaCode: LiaochengAreas.all[$0 % LiaochengAreas.all.count].code,
                                                     source: "undetected community transmission") })
        case .surge:
            return SimulationSettings(
                scenario: scenario, seed: seed, population: 200_000, days: 16, mobility: 1, transmission: 1.6,
                keyPopulationShare: 0.10, keyTestEveryDays: 3, massTestingDays: [],
                imports: (0..<40).map { ImportedChain(number: $0 + 1, day: $0 % 3, areaCode: LiaochengAreas.all[$0 % LiaochengAreas.all.count].code,
                                                      source: "imported") })
        }
    }

    /// Liaocheng's eleven 2022 chains (first report date, district, source), their dates
    /// (22 January to 27 April) scaled onto the first `days - 9` days so that the last chain
    /// has time to be found. Functional zones are counted in Dongchangfu.
    public static func liaochengChains(days: Int) -> [ImportedChain] {
        let table: [(dayOfYear: Int, area: String, source: String)] = [
            (22, "371526", "Beijing, cold-chain worker"),
            (71, "371526", "Dezhou, contact of a Yucheng case"),
            (76, "371502", "Binzhou, returning residents"),
            (79, "371522", "Jilin, returning truck driver"),
            (83, "371525", "Shanghai, a case passing through"),
            (86, "371502", "Tai'an, returning resident"),
            (91, "371502", "Shanghai, four returning residents"),
            (92, "371525", "Shanghai, truck driver passing through"),
            (106, "371521", "Jinan, returning casual worker"),
            (107, "371581", "Shanghai, returning truck driver"),
            (117, "371526", "Dandong (Liaoning), contact of a visitor"),
        ]
        let span = Double(max(1, days - 9))
        return table.enumerated().map { index, row in
            ImportedChain(number: index + 1, day: Int((Double(row.dayOfYear - 22) / 95 * span).rounded()), areaCode: row.area, source: row.source)
        }
    }
}

/// A district of the simulated city: its code, name, share of the population and neighbours.
public struct SimulatedArea: Sendable, Equatable {
    public let code: String
    public let name: String
    public let share: Double
    public let adjacent: [String]
}

/// Liaocheng's eight county-level districts (the development seed's areas), with rough
/// population shares.
public enum LiaochengAreas {
    public static let all: [SimulatedArea] = [
        SimulatedArea(code: "371502", name: "Dongchangfu", share: 0.25, adjacent: ["371503", "371521", "371522", "371524", "371525", "371526", "371581"]),
        SimulatedArea(code: "371503", name: "Chiping", share: 0.09, adjacent: ["371502", "371524", "371526"]),
        SimulatedArea(code: "371521", name: "Yanggu", share: 0.12, adjacent: ["371502", "371522", "371524"]),
        SimulatedArea(code: "371522", name: "Xinxian", share: 0.16, adjacent: ["371502", "371521", "371525"]),
        SimulatedArea(code: "371524", name: "Dong'e", share: 0.06, adjacent: ["371502", "371503", "371521"]),
        SimulatedArea(code: "371525", name: "Guanxian", share: 0.12, adjacent: ["371502", "371522", "371581"]),
        SimulatedArea(code: "371526", name: "Gaotang", share: 0.08, adjacent: ["371502", "371503", "371581"]),
        SimulatedArea(code: "371581", name: "Linqing", share: 0.12, adjacent: ["371502", "371525", "371526"]),
    ]
}
