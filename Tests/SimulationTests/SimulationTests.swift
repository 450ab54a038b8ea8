import FangyiEvents
import FangyiSimulation
import Foundation
import Testing

/// A small city: the scenario's rules at a size the debug build runs in a second or two.
private func settings(_ scenario: SimulationScenario = .liaocheng2022, seed: UInt64 = 7, population: Int = 20_000) -> SimulationSettings {
    var settings = SimulationSettings.preset(scenario, seed: seed)
    settings.population = population
    return settings
}

/// Runs every day of `settings` and returns the summary and the days.
private func run(_ settings: SimulationSettings) -> (SimulationSummary, [SimulatedDay]) {
    var outbreak = Outbreak(city: SimulatedCity(settings: settings), settings: settings)
    _ = outbreak.householdRelations()
    var days: [SimulatedDay] = []
    while let day = outbreak.next() { days.append(day) }
    return (outbreak.summary, days)
}

@Suite("Simulator")
struct SimulationTests {
    @Test("the same seed gives the same city, infections, check-ins and tests; another seed does not")
    func deterministic() {
        let (first, firstDays) = run(settings())
        let (second, secondDays) = run(settings())
        #expect(first == second)
        #expect(firstDays.map(\.visits.count) == secondDays.map(\.visits.count))
        #expect(firstDays.flatMap(\.tests).map(\.resident) == secondDays.flatMap(\.tests).map(\.resident))
        let (other, _) = run(settings(seed: 8))
        #expect(other != first)
        #expect(first.residents == 20_000 && first.checkIns > 0 && first.tests > 0 && first.infections > 0)
    }

    @Test("liaocheng-2022 seeds eleven chains from the table, in its districts and order")
    func liaochengChains() {
        let preset = SimulationSettings.preset(.liaocheng2022)
        #expect(preset.imports.count == 11)
        #expect(preset.imports.map(\.day) == preset.imports.map(\.day).sorted())
        #expect(preset.imports.first?.day == 0 && preset.imports.last?.day == preset.days - 9)
        #expect(preset.imports.first?.areaCode == "371526")
        let (summary, _) = run(settings())
        #expect(summary.infectionsByChain.count == 11)
        #expect(summary.infectionsByChain.allSatisfy { $0 >= 1 }, "every chain starts with its imported infection")
    }

    @Test("the response finds infections: positives are detected and their contacts quarantined and tested")
    func response() {
        let (summary, days) = run(settings(.surge))
        #expect(summary.detected > 0)
        #expect(summary.quarantineOrders > summary.detected)
        #expect((summary.testsByReason["contact"] ?? 0) > 0)
        #expect(summary.positives == days.flatMap(\.tests).filter(\.positive).count)
        // Nobody is tested twice on one day.
        for day in days { #expect(Set(day.tests.map(\.resident)).count == day.tests.count) }
    }

    @Test("mass testing tests every resident on their day of the round, except those already isolated")
    func massTesting() {
        let preset = settings(.massTesting, population: 30_000)
        let (summary, days) = run(preset)
        let testedOn = preset.massTestingDays.map { Set(days[$0].tests.map(\.resident)) }
        let missing = (0..<30_000).filter { !testedOn[$0 % testedOn.count].contains(Int32($0)) }
        #expect(missing.count <= summary.detected, "only isolated cases skip the round")
        #expect((summary.testsByReason["massTesting"] ?? 0) > 29_000)
    }

    @Test("resident IDs are valid and distinct; contacts are synthetic")
    func identities() throws {
        let city = SimulatedCity(settings: settings(population: 5_000))
        var seen = Set<String>()
        for index in city.residents.indices {
            let id = city.nationalID(index)
            _ = try NationalID.normalize(id)
            seen.insert(id)
        }
        #expect(seen.count == city.residents.count)
        #expect(city.contact(42).phone.count == 11)
    }

    @Test("the facility seed has 60 quarantine rooms per 10,000 residents, a quarter open")
    func facilitySeed() throws {
        let city = SimulatedCity(settings: settings(population: 100_000))
        let seed = try JSONSerialization.jsonObject(with: Data(FacilitySeed.json(for: city).utf8)) as? [String: Any]
        let facilities = try #require(seed?["facilities"] as? [[String: Any]])
        let rooms = facilities.filter { $0["kind"] as? String == "quarantineSite" }
            .map { (($0["units"] as? [String: Int])?["quarantineSingleRoom"] ?? 0, $0["status"] as? String) }
        let total = rooms.map(\.0).reduce(0, +)
        #expect(abs(total - 600) <= city.areas.count)
        let open = rooms.filter { $0.1 == "active" }.map(\.0).reduce(0, +)
        #expect(abs(open - total / 4) <= city.areas.count)
        #expect((seed?["areas"] as? [[String: Any]])?.count == 8)
    }

    @Test("submissions rotate through the four formats and carry every test once")
    func submissions() {
        let preset = settings(population: 20_000)
        let city = SimulatedCity(settings: preset)
        var outbreak = Outbreak(city: city, settings: preset)
        var tests: [SimulatedTest] = []
        while let day = outbreak.next() { if day.tests.count > tests.count { tests = day.tests } }
        let writer = SubmissionWriter(city: city, calendar: SimulatedCalendar(days: preset.days, now: Date()), batchSize: 100)
        let submissions = writer.submissions(day: 3, tests: tests)
        #expect(submissions.map(\.count).reduce(0, +) == tests.count)
        #expect(Set(submissions.map(\.format)).count == min(4, submissions.count))
        for submission in submissions where submission.format == .json || submission.format == .fhir {
            #expect((try? JSONSerialization.jsonObject(with: Data(submission.body))) != nil, "\(submission.format) body is JSON")
        }
    }
}
