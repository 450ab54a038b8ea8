import ArgumentParser
import FangyiSimulation

/// The scenario and its sizes, shared by `fangyi simulate` and `fangyi demo`.
struct SimulationOptions: ParsableArguments {
    @Option(help: "The scenario: \(SimulationScenario.allCases.map(\.rawValue).joined(separator: ", ")).", transform: Self.scenario)
    var scenario: SimulationScenario = .liaocheng2022

    static func scenario(_ name: String) throws -> SimulationScenario {
        guard let scenario = SimulationScenario(rawValue: name) else {
            throw ValidationError("unknown scenario \(name): one of \(SimulationScenario.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return scenario
    }

    @Option(help: "The seed of the city and the outbreak.")
    var seed: UInt64 = 2022

    @Option(help: "Residents (default: the scenario's).")
    var population: Int?

    @Option(help: "Simulated days (default: the scenario's).")
    var days: Int?

    @Option(help: "Wall-clock seconds per simulated day (0: as fast as the suite takes it).")
    var daySeconds: Double = 8

    func validate() throws {
        if let population, !(100...20_000_000).contains(population) { throw ValidationError("--population must be 100-20000000") }
        if let days, !(1...365).contains(days) { throw ValidationError("--days must be 1-365") }
        if daySeconds < 0 || daySeconds > 3_600 { throw ValidationError("--day-seconds must be 0-3600") }
    }

    /// Wall-clock time per simulated day.
    var dayDuration: Duration { .milliseconds(Int(daySeconds * 1000)) }

    /// The settings: the scenario's, with the overrides.
    var settings: SimulationSettings {
        var settings = SimulationSettings.preset(scenario, seed: seed)
        if let population { settings.population = population }
        if let days {
            settings.days = days
            settings.massTestingDays = settings.massTestingDays.filter { $0 < days }
            if scenario == .liaocheng2022 { settings.imports = SimulationSettings.liaochengChains(days: days) }
            settings.imports = settings.imports.filter { $0.day < days }
        }
        return settings
    }

}
