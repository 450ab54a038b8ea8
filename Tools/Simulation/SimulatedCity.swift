public import FangyiEvents

/// The kinds of place the simulated city has, with how often residents go there and how
/// likely an infectious visitor infects someone present at the same time.
public enum SimulatedVenueKind: Int, CaseIterable, Sendable {
    case restaurant, market, supermarket, mahjongParlour, transportHub, school, office

    /// The venue kind on `checkins.v1`.
    public var venueKind: VenueKind {
        switch self {
        case .restaurant: .restaurant
        case .market: .market
        case .supermarket: .retail
        case .mahjongParlour: .entertainment
        case .transportHub: .transport
        case .school: .school
        case .office: .workplace
        }
    }

    /// Odds that one infectious person infects one other person present at the same time.
    var odds: Double {
        switch self {
        case .restaurant: 0.03
        case .market: 0.02
        case .supermarket: 0.01
        case .mahjongParlour: 0.10
        case .transportHub: 0.005
        case .school: 0.005
        case .office: 0.01
        }
    }

    /// Residents per venue of the kind (schools and offices: members per class or office).
    var residentsPerVenue: Int {
        switch self {
        case .restaurant: 250
        case .market: 5_000
        case .supermarket: 2_500
        case .mahjongParlour: 1_500
        case .transportHub: 50_000
        case .school: 40
        case .office: 20
        }
    }

    /// Visits per resident per day for a public venue (classes and offices are daily for members).
    func visitRate(_ role: Role) -> Double {
        switch (self, role) {
        case (.restaurant, .worker): 0.12
        case (.restaurant, _): 0.05
        case (.market, .elder): 0.10
        case (.market, _): 0.03
        case (.supermarket, .child): 0
        case (.supermarket, _): 0.06
        case (.mahjongParlour, .elder): 0.06
        case (.mahjongParlour, .worker): 0.01
        case (.mahjongParlour, _): 0
        case (.transportHub, .worker): 0.03
        case (.transportHub, _): 0.01
        case (.school, _), (.office, _): 0
        }
    }

    static let publicKinds: [SimulatedVenueKind] = [.restaurant, .market, .supermarket, .mahjongParlour, .transportHub]
}

/// What a resident does on a weekday.
public enum Role: UInt8, Sendable {
    case child, student, worker, elder
}

/// One resident. Identity fields are kept compact; the resident ID is built when needed.
public struct Resident: Sendable {
    public var area: UInt8
    public var role: Role
    /// Member of a key population (tested on a fixed rhythm).
    public var key: Bool
    public var household: Int32
    /// The class or office (a venue index), -1 for none.
    public var place: Int32
    /// Birth date as days since 1900-01-01, and the sequence number within (area, birth date).
    public var birthDay: Int32
    public var sequence: UInt16
}

/// A venue with a place code.
public struct SimulatedVenue: Sendable {
    public let kind: SimulatedVenueKind
    public let area: UInt8
    /// Index among the venues of its kind in its area.
    public let number: Int32
}

/// A synthetic city: districts, households, residents with schools and offices, and venues.
/// Concurrency: a value type built once and then read.
public struct SimulatedCity: Sendable {
    public let areas: [SimulatedArea]
    /// Each area's neighbours, as indices into `areas` (in `adjacent` order).
    public let neighbours: [[Int]]
    public private(set) var residents: [Resident] = []
    /// Residents of household `h` are `householdStart[h]..<householdStart[h + 1]`.
    public private(set) var householdStart: [Int32] = [0]
    public private(set) var venues: [SimulatedVenue] = []
    /// Public venues by area and kind (index into `venues`).
    private(set) var publicVenues: [[[Int32]]] = []
    /// Members of each class or office (by venue index).
    private(set) var members: [Int32: [Int32]] = [:]

    /// Builds the city for `settings` (deterministic in the settings).
    public init(settings: SimulationSettings, areas: [SimulatedArea] = LiaochengAreas.all) {
        self.areas = areas
        neighbours = areas.map { area in area.adjacent.compactMap { code in areas.firstIndex { $0.code == code } } }
        var random = SplitMix64(seed: settings.seed ^ 0xC17_C17)
        residents.reserveCapacity(settings.population)
        var sequences: [Int: UInt16] = [:]
        let shares = areas.map(\.share).reduce(0, +)
        var placed = 0
        for (areaIndex, area) in areas.enumerated() {
            let target = areaIndex == areas.count - 1 ? settings.population - placed
                : Int((Double(settings.population) * area.share / shares).rounded())
            var inArea = 0
            while inArea < target {
                let size = min(target - inArea, Self.householdSize(&random))
                for _ in 0..<size {
                    let role = Self.role(&random)
                    let age: Int = switch role {
                    case .child: random.below(6)
                    case .student: 6 + random.below(13)
                    case .worker: 19 + random.below(42)
                    case .elder: 61 + random.below(30)
                    }
                    // Ages as of 2022; days since 1900-01-01.
                    let birthDay = Int32((2022 - age - 1900) * 365 + age / 4 + random.below(365))
                    let sequenceKey = areaIndex << 32 | Int(birthDay)
                    let sequence = sequences[sequenceKey, default: 0]
                    sequences[sequenceKey] = sequence + 1
                    residents.append(Resident(
                        area: UInt8(areaIndex), role: role, key: role == .worker && random.chance(settings.keyPopulationShare),
                        household: Int32(householdStart.count - 1), place: -1, birthDay: birthDay, sequence: sequence))
                }
                inArea += size
                householdStart.append(Int32(residents.count))
            }
            placed += target
        }
        // Venues: public ones per area by kind; one class per 40 students and one office per
        // 20 workers, in the member's area (15% of workers commute to a neighbouring one).
        var byArea = Array(repeating: Array(repeating: 0, count: SimulatedVenueKind.allCases.count), count: areas.count)
        for resident in residents {
            if resident.role == .student { byArea[Int(resident.area)][SimulatedVenueKind.school.rawValue] += 1 }
            if resident.role == .worker { byArea[Int(resident.area)][SimulatedVenueKind.office.rawValue] += 1 }
        }
        var firstPlace = Array(repeating: Array(repeating: Int32(0), count: SimulatedVenueKind.allCases.count), count: areas.count)
        publicVenues = Array(repeating: Array(repeating: [], count: SimulatedVenueKind.allCases.count), count: areas.count)
        for areaIndex in areas.indices {
            let people = Int((Double(settings.population) * areas[areaIndex].share / shares).rounded())
            for kind in SimulatedVenueKind.allCases {
                let count = switch kind {
                case .school, .office: max(1, byArea[areaIndex][kind.rawValue] / kind.residentsPerVenue)
                default: max(1, people / kind.residentsPerVenue)
                }
                firstPlace[areaIndex][kind.rawValue] = Int32(venues.count)
                for number in 0..<count {
                    if SimulatedVenueKind.publicKinds.contains(kind) { publicVenues[areaIndex][kind.rawValue].append(Int32(venues.count)) }
                    venues.append(SimulatedVenue(kind: kind, area: UInt8(areaIndex), number: Int32(number)))
                }
            }
        }
        for index in residents.indices {
            let resident = residents[index]
            let kind: SimulatedVenueKind
            switch resident.role {
            case .student: kind = .school
            case .worker: kind = .office
            default: continue
            }
            var area = Int(resident.area)
            if kind == .office, random.chance(0.15), !neighbours[area].isEmpty {
                area = neighbours[area][random.below(neighbours[area].count)]
            }
            let count = max(1, byArea[area][kind.rawValue] / kind.residentsPerVenue)
            let place = firstPlace[area][kind.rawValue] + Int32(random.below(count))
            residents[index].place = place
            members[place, default: []].append(Int32(index))
        }
    }

    /// Households: 1 person 15%, 2 30%, 3 30%, 4 15%, 5 10%.
    private static func householdSize(_ random: inout SplitMix64) -> Int {
        let draw = random.below(100)
        return draw < 15 ? 1 : draw < 45 ? 2 : draw < 75 ? 3 : draw < 90 ? 4 : 5
    }

    /// Children 5%, students 15%, workers 60%, elders 20%.
    private static func role(_ random: inout SplitMix64) -> Role {
        let draw = random.below(100)
        return draw < 5 ? .child : draw < 20 ? .student : draw < 80 ? .worker : .elder
    }

    /// The number of households.
    public var householdCount: Int { householdStart.count - 1 }

    /// The residents sharing `resident`'s household, the resident excluded.
    public func householdMembers(of resident: Int) -> [Int] {
        let household = Int(residents[resident].household)
        return (Int(householdStart[household])..<Int(householdStart[household + 1])).filter { $0 != resident }
    }

    /// Members of class or office `venue`.
    public func members(of venue: Int32) -> [Int32] { members[venue] ?? [] }

    /// The place-code id of venue `index`: `LC-<area>-<kind>-<number>`.
    public func venueID(_ index: Int) -> String {
        let venue = venues[index]
        return "LC-\(areas[Int(venue.area)].code)-\(venue.kind)-\(venue.number)"
    }

    /// The 18-character resident ID of resident `index` (valid GB 11643 check character).
    public func nationalID(_ index: Int) -> String {
        let resident = residents[index]
        let (year, month, day) = Self.civilDate(daysSince1900: Int(resident.birthDay))
        let stem = areas[Int(resident.area)].code + padded(year, width: 4) + padded(month, width: 2) + padded(day, width: 2)
            + padded(Int(resident.sequence) % 1000, width: 3)
        return NationalID.completing(stem: stem)
    }

    /// A synthetic name, mobile number and address for resident `index` (never a real person's).
    public func contact(_ index: Int) -> (name: String, phone: String, address: String) {
        let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"]
        let given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超"]
        let name = surnames[index % surnames.count] + given[(index / 12) % given.count] + given[(index / 192) % given.count]
        let phone = "139" + padded(index % 100_000_000, width: 8)
        let resident = residents[index]
        let address = "\(areas[Int(resident.area)].name) household \(resident.household)"
        return (name, phone, address)
    }

    /// Public venues of `kind` in area `area`.
    func publicVenues(area: Int, kind: SimulatedVenueKind) -> [Int32] { publicVenues[area][kind.rawValue] }

    /// Proleptic Gregorian date of a day count since 1900-01-01.
    static func civilDate(daysSince1900 days: Int) -> (year: Int, month: Int, day: Int) {
        civilDate(daysSinceEpoch: days - 25_567)
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (the civil-from-days algorithm).
    static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// `value` in decimal, zero-padded on the left to `width` digits.
func padded(_ value: Int, width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
}
