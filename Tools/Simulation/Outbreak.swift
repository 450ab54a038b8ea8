public import FangyiEvents

/// One check-in: a resident at a venue from `start` to `end` (minutes after midnight).
public struct Visit: Sendable {
    public let resident: Int32
    public let venue: Int32
    public let start: Int16
    public let end: Int16
}

/// Why a resident was tested.
public enum TestReason: String, Sendable, CaseIterable {
    case symptoms, keyPopulation, contact, massTesting, retest
}

/// One PCR test: collected and reported the same day (minutes after midnight); Ct values,
/// nil for no amplification.
public struct SimulatedTest: Sendable {
    public let resident: Int32
    public let collected: Int16
    public let reported: Int16
    public let orf1ab: Double?
    public let n: Double?
    public let reason: TestReason

    /// Positive by the default rule (both targets below 35).
    public var positive: Bool { (orf1ab ?? 99) < 35 && (n ?? 99) < 35 }
    /// Inconclusive by the default rule (one target below 35, or a Ct in 35-40).
    public var inconclusive: Bool { !positive && (orf1ab != nil || n != nil) }
}

/// A relation the city's registries (households) or an interview (classmates, colleagues) report.
public struct SimulatedRelation: Sendable {
    public let resident: Int32
    public let other: Int32
    public let kind: RelationKind
    public let source: RelationSource
}

/// What happened on one simulated day, in the order it is published: relations, check-ins, results.
public struct SimulatedDay: Sendable {
    public let day: Int
    public var relations: [SimulatedRelation] = []
    public var visits: [Visit] = []
    public var tests: [SimulatedTest] = []
    public var newInfections = 0
    public var newlyDetected = 0
    public var quarantined = 0
}

/// Who infected whom: `infector` -1 for an imported infection.
public struct Transmission: Sendable, Equatable {
    public let resident: Int32
    public let infector: Int32
    public let day: Int
    public let chain: Int
    public let detectedDay: Int?
}

/// Counts of a whole run; equal settings give equal summaries.
public struct SimulationSummary: Sendable, Equatable, Codable {
    public var residents = 0
    public var households = 0
    public var venues: [String: Int] = [:]
    public var householdRelations = 0
    public var interviewRelations = 0
    public var checkIns = 0
    public var infections = 0
    public var infectionsByChain: [Int] = []
    public var tests = 0
    public var testsByReason: [String: Int] = [:]
    public var positives = 0
    public var inconclusive = 0
    public var detected = 0
    public var quarantineOrders = 0
    public var infectionsPerDay: [Int] = []
    public var positivesPerDay: [Int] = []
}

/// The outbreak: infections spread at venues (odds by kind, for visitors present at the same
/// time), in classes and offices on weekdays and in households, from the day after infection
/// for six days (a generation interval of about two days). The response the simulator plays
/// for the city: a detected case is isolated the next day; household members, classmates or
/// colleagues, and venue co-visitors of the last four days are quarantined for seven days and
/// tested on days 1 and 3 (household members also on day 6); inconclusive results are retested
/// the next day. Deterministic in the settings.
public struct Outbreak: Sendable {
    public let city: SimulatedCity
    public let settings: SimulationSettings
    public private(set) var summary = SimulationSummary()
    private var random: SplitMix64
    private var day = 0
    private static let none = Int32.max

    /// Every infection in order, with its infector (the transmission chains).
    public var transmissions: [Transmission] {
        infections.map { Transmission(resident: $0.resident, infector: $0.infector, day: $0.day, chain: $0.chain,
                                      detectedDay: detectedOn[Int($0.resident)].map(Int.init)) }
    }
    private var infections: [(resident: Int32, infector: Int32, day: Int, chain: Int)] = []
    private var detectedOn: [Int32?]
    private var infectedDay: [Int32]
    private var chain: [Int16]
    private var onset: [Int32]
    private var isolatedFrom: [Int32]
    private var quarantinedUntil: [Int32]
    private var testedOn: [Int32]
    private var scheduled: [Int: [(Int32, TestReason)]] = [:]
    /// Visits of the last five days, oldest first, indexed by resident and by venue, for
    /// finding a case's co-visitors.
    private var history: [VisitIndex] = []

    private struct VisitIndex: Sendable {
        let visits: [Visit]
        var byResident: [Int32: [Int32]] = [:]
        var byVenue: [Int32: [Int32]] = [:]

        init(_ visits: [Visit]) {
            self.visits = visits
            for (index, visit) in visits.enumerated() {
                byResident[visit.resident, default: []].append(Int32(index))
                byVenue[visit.venue, default: []].append(Int32(index))
            }
        }

        /// Residents at the same venue at the same time as `resident`.
        func coVisitors(of resident: Int32) -> [Int32] {
            var found: [Int32] = []
            for own in byResident[resident] ?? [] {
                let mine = visits[Int(own)]
                for other in byVenue[mine.venue] ?? [] {
                    let visit = visits[Int(other)]
                    if visit.resident != resident, mine.start < visit.end, visit.start < mine.end { found.append(visit.resident) }
                }
            }
            return found
        }
    }

    /// Prepares the outbreak in `city` (build the city once and share it).
    public init(city: SimulatedCity, settings: SimulationSettings) {
        self.city = city
        self.settings = settings
        random = SplitMix64(seed: settings.seed ^ 0x0B7B_EA4B)
        let count = city.residents.count
        infectedDay = Array(repeating: Self.none, count: count)
        detectedOn = Array(repeating: nil, count: count)
        chain = Array(repeating: 0, count: count)
        onset = Array(repeating: Self.none, count: count)
        isolatedFrom = Array(repeating: Self.none, count: count)
        quarantinedUntil = Array(repeating: -1, count: count)
        testedOn = Array(repeating: -1, count: count)
        summary.residents = count
        summary.households = city.householdCount
        for venue in city.venues { summary.venues[String(describing: venue.kind), default: 0] += 1 }
        summary.infectionsByChain = Array(repeating: 0, count: settings.imports.count)
    }

    /// Every household relation of the city's registry (each pair once), published before day 0.
    public mutating func householdRelations() -> [SimulatedRelation] {
        var relations: [SimulatedRelation] = []
        for household in 0..<city.householdCount {
            let range = Int(city.householdStart[household])..<Int(city.householdStart[household + 1])
            for a in range { for b in range where b > a {
                relations.append(SimulatedRelation(resident: Int32(a), other: Int32(b), kind: .household, source: .householdRegistry))
            } }
        }
        summary.householdRelations = relations.count
        return relations
    }

    /// The next day, or nil after the last.
    public mutating func next() -> SimulatedDay? {
        guard day < settings.days else { return nil }
        var today = SimulatedDay(day: day)
        importInfections(&today)
        test(&today)
        visit(&today)
        transmit(&today)
        history.append(VisitIndex(today.visits))
        if history.count > 4 { history.removeFirst() }
        summary.checkIns += today.visits.count
        summary.tests += today.tests.count
        summary.infectionsPerDay.append(today.newInfections)
        summary.positivesPerDay.append(today.tests.filter(\.positive).count)
        day += 1
        return today
    }

    // MARK: Steps

    private mutating func infect(_ resident: Int, by infector: Int, chainIndex: Int16, on day: Int, _ today: inout SimulatedDay) {
        guard infectedDay[resident] == Self.none else { return }
        infections.append((Int32(resident), Int32(infector), day, Int(chainIndex)))
        infectedDay[resident] = Int32(day)
        chain[resident] = chainIndex
        if random.chance(0.6) { onset[resident] = Int32(day + 2 + random.below(2)) }
        today.newInfections += 1
        summary.infections += 1
        summary.infectionsByChain[Int(chainIndex)] += 1
    }

    private mutating func importInfections(_ today: inout SimulatedDay) {
        for (index, imported) in settings.imports.enumerated() where imported.day == day {
            guard let area = city.areas.firstIndex(where: { $0.code == imported.areaCode }) else { continue }
            let candidates = city.residents.indices.filter { Int(city.residents[$0].area) == area && city.residents[$0].role == .worker }
            guard !candidates.isEmpty else { continue }
            // Arrived infected the day before.
            infect(candidates[random.below(candidates.count)], by: -1, chainIndex: Int16(index), on: day - 1, &today)
        }
    }

    private func infectious(_ resident: Int, on day: Int) -> Bool {
        let since = infectedDay[resident]
        return since != Self.none && day > Int(since) && day <= Int(since) + 6 && isolatedFrom[resident] > Int32(day)
    }

    private func confined(_ resident: Int, on day: Int) -> Bool {
        isolatedFrom[resident] <= Int32(day) || quarantinedUntil[resident] >= Int32(day)
    }

    private mutating func schedule(_ resident: Int32, on day: Int, _ reason: TestReason) {
        guard day < settings.days else { return }
        scheduled[day, default: []].append((resident, reason))
    }

    private mutating func test(_ today: inout SimulatedDay) {
        var orders: [(Int32, TestReason)] = scheduled.removeValue(forKey: day) ?? []
        for resident in city.residents.indices {
            if onset[resident] == Int32(day), isolatedFrom[resident] == Self.none { orders.append((Int32(resident), .symptoms)) }
            if city.residents[resident].key, resident % settings.keyTestEveryDays == day % settings.keyTestEveryDays,
               isolatedFrom[resident] > Int32(day) {
                orders.append((Int32(resident), .keyPopulation))
            }
        }
        if let position = settings.massTestingDays.firstIndex(of: day) {
            for resident in city.residents.indices where resident % settings.massTestingDays.count == position && isolatedFrom[resident] > Int32(day) {
                orders.append((Int32(resident), .massTesting))
            }
        }
        for (resident, reason) in orders where testedOn[Int(resident)] != Int32(day) {
            testedOn[Int(resident)] = Int32(day)
            let collected = Int16(7 * 60 + random.below(10 * 60))
            let result = ct(Int(resident))
            let test = SimulatedTest(resident: resident, collected: collected, reported: collected + 360,
                                     orf1ab: result.orf1ab, n: result.n, reason: reason)
            today.tests.append(test)
            summary.testsByReason[reason.rawValue, default: 0] += 1
            if test.positive {
                summary.positives += 1
                if isolatedFrom[Int(resident)] == Self.none { respond(to: Int(resident), &today) }
            } else if test.inconclusive {
                summary.inconclusive += 1
                schedule(resident, on: day + 1, .retest)
            }
        }
    }

    /// Ct values on `day` for `resident`: lowest three days after infection, rising about two
    /// cycles a day; no amplification before infection, after 20 days, or at 40 and above.
    private mutating func ct(_ resident: Int) -> (orf1ab: Double?, n: Double?) {
        let since = infectedDay[resident]
        guard since != Self.none, day - Int(since) >= 1, day - Int(since) <= 20 else {
            // A rare weak single-target signal: the inconclusive path.
            return random.chance(0.0002) ? (37.2, nil) : (nil, nil)
        }
        let base = 17 + 2 * Double(abs(day - Int(since) - 3)) + 3 * random.unit()
        guard base < 40 else { return (nil, nil) }
        func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
        return (rounded(base + random.unit() - 0.5), rounded(base + random.unit() - 0.5))
    }

    /// A newly detected case: isolated from tomorrow; contacts quarantined and tested.
    private mutating func respond(to resident: Int, _ today: inout SimulatedDay) {
        isolatedFrom[resident] = Int32(day + 1)
        detectedOn[resident] = Int32(day)
        today.newlyDetected += 1
        summary.detected += 1
        var contacts = Set<Int32>()
        for member in city.householdMembers(of: resident) {
            contacts.insert(Int32(member))
            schedule(Int32(member), on: day + 6, .contact)
        }
        let place = city.residents[resident].place
        if place >= 0 {
            let kind: RelationKind = city.venues[Int(place)].kind == .school ? .classmate : .workplace
            for member in city.members(of: place) where member != Int32(resident) {
                contacts.insert(member)
                today.relations.append(SimulatedRelation(resident: Int32(resident), other: member, kind: kind, source: .interview))
                summary.interviewRelations += 1
            }
        }
        // Today's visits come after today's tests: the last four days are in the history.
        for visits in history { contacts.formUnion(visits.coVisitors(of: Int32(resident))) }
        for contact in contacts.sorted() where isolatedFrom[Int(contact)] == Self.none && quarantinedUntil[Int(contact)] < Int32(day + 1) {
            quarantinedUntil[Int(contact)] = Int32(day + 7)
            schedule(contact, on: day + 1, .contact)
            schedule(contact, on: day + 3, .contact)
            today.quarantined += 1
            summary.quarantineOrders += 1
        }
    }

    private mutating func visit(_ today: inout SimulatedDay) {
        let mobility = settings.mobility
        for index in city.residents.indices where !confined(index, on: day) {
            let resident = city.residents[index]
            for kind in SimulatedVenueKind.publicKinds {
                guard random.chance(kind.visitRate(resident.role) * mobility) else { continue }
                var area = Int(resident.area)
                if random.chance(0.2) {
                    let neighbours = city.neighbours[area]
                    if !neighbours.isEmpty { area = neighbours[random.below(neighbours.count)] }
                }
                let venues = city.publicVenues(area: area, kind: kind)
                guard !venues.isEmpty else { continue }
                let start = 7 * 60 + 10 * random.below(84)
                let end = min(23 * 60 + 59, start + 20 + random.below(70))
                today.visits.append(Visit(resident: Int32(index), venue: venues[random.below(venues.count)], start: Int16(start), end: Int16(end)))
            }
        }
    }

    private mutating func transmit(_ today: inout SimulatedDay) {
        let factor = settings.transmission
        // Venues: every visitor present at the same time as an infectious one.
        var infectiousAt: [Int32: [Visit]] = [:]
        for visit in today.visits where infectious(Int(visit.resident), on: day) { infectiousAt[visit.venue, default: []].append(visit) }
        if !infectiousAt.isEmpty {
            for visit in today.visits {
                guard let sources = infectiousAt[visit.venue] else { continue }
                let odds = city.venues[Int(visit.venue)].kind.odds * factor
                for source in sources where source.resident != visit.resident && source.start < visit.end && visit.start < source.end {
                    if random.chance(odds) { infect(Int(visit.resident), by: Int(source.resident), chainIndex: chain[Int(source.resident)], on: day, &today) }
                }
            }
        }
        let weekday = day % 7 < 5
        for resident in city.residents.indices where infectious(resident, on: day) && infectedDay[resident] < Int32(day) {
            let source = chain[resident]
            // Households: home quarantine does not protect the household.
            for member in city.householdMembers(of: resident) where random.chance(0.06 * factor) {
                infect(member, by: resident, chainIndex: source, on: day, &today)
            }
            let place = city.residents[resident].place
            guard weekday, place >= 0, !confined(resident, on: day) else { continue }
            let odds = city.venues[Int(place)].kind.odds * factor
            for member in city.members(of: place) where Int(member) != resident && !confined(Int(member), on: day) && random.chance(odds) {
                infect(Int(member), by: resident, chainIndex: source, on: day, &today)
            }
        }
    }
}
