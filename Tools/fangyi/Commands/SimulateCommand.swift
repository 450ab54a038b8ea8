import ArgumentParser
import AsyncHTTPClient
import FangyiEvents
import FangyiKafka
import FangyiService
import FangyiSimulation
import Foundation

/// `fangyi simulate`: a synthetic city and its outbreak, played into a running suite.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a city's outbreak and feed it to the suite: check-ins and relations on Kafka, lab results through intake.",
        discussion: """
            Builds a synthetic city from the seed (population, Liaocheng's eight districts with their \
            neighbours, households, classes, offices, restaurants, markets, supermarkets, mahjong \
            parlours and transport hubs) and plays the scenario day by day: place-code check-ins on \
            checkins.v1, household relations (and, after each detected case, the interview's \
            classmates or colleagues) on tracing.relations.v1, and PCR results from the two \
            development labs through intake's HTTP API, in turn as JSON, CSV, HL7 v2 and FHIR. \
            Infections spread at venues, in classes, offices and households with a generation \
            interval of about two days; detected cases are isolated and their contacts quarantined \
            and tested. The same seed gives the same city, outbreak and events.

            Scenarios: liaocheng-2022 (eleven chains seeded after Liaocheng's 2022 table, 200,000 \
            residents, 21 days), mass-testing (a round of 1,551,000 residents over three days), \
            surge (forty imported infections and high transmission: more contacts than rooms).

            Simulated days end yesterday (China time), so every time sent has passed. \
            --dry-run runs the model only and prints its counts; --facility-seed writes the \
            allocator inventory for the city (60 quarantine rooms per 10,000 residents) and exits.

            \(ToolEnvironment.helpSection(ToolEnvironment.kafkaVariables + [.subjectKey]))
            """
    )

    @OptionGroup var simulation: SimulationOptions

    @Option(help: "Intake's base URL.")
    var intakeURL = "http://127.0.0.1:8081"

    @Flag(help: "Run the model only and print its counts as JSON (no Kafka, no HTTP).")
    var dryRun = false

    @Option(help: "Write the allocator's inventory for this city to this path and exit.")
    var facilitySeed: String?

    func validate() throws {
        guard let url = URL(string: intakeURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--intake-url must be an http(s) URL like http://127.0.0.1:8081")
        }
    }

    func run() async throws {
        let settings = simulation.settings
        let city = SimulatedCity(settings: settings)
        if let facilitySeed {
            do {
                try Data(FacilitySeed.json(for: city).utf8).write(to: URL(fileURLWithPath: facilitySeed))
            } catch {
                throw ToolError(code: "simulate.facility_seed_unwritable", message: "cannot write the facility seed: \(error.localizedDescription)",
                                context: ["path": facilitySeed])
            }
            Console.out("simulate: facility seed for \(city.residents.count) residents written to \(facilitySeed)")
            return
        }
        if dryRun {
            var outbreak = Outbreak(city: city, settings: settings)
            _ = outbreak.householdRelations()
            while outbreak.next() != nil {}
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Console.out(String(decoding: try encoder.encode(outbreak.summary), as: UTF8.self))
            return
        }

        let logger = try ToolEnvironment.logger("fangyi.simulate")
        let subjectRefs: SubjectRefGenerator
        do {
            let name = EnvironmentVariable.subjectKey.name
            let key = DemoCommand.key(name)
            if key?.isDevelopment == true {
                Console.err("\(name) is not set: using the demo's development key, as `fangyi demo` gives intake (never for real data)")
            }
            subjectRefs = try SubjectRefGenerator(base64Key: key?.value ?? "")
        } catch {
            throw ToolError(code: "simulate.subject_key", message: "\(error.message) (the simulator needs intake's FANGYI_SUBJECT_KEY so that check-ins name the same persons as results)")
        }
        let kafka = try ToolEnvironment.kafkaConfiguration()
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka, linger: .milliseconds(5)), logger: logger)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let calendar = SimulatedCalendar(days: settings.days, now: Date())
        Console.out("simulate: \(settings.scenario.rawValue), seed \(settings.seed), \(settings.population) residents, \(settings.days) days "
                    + "from \(calendar.start) at \(simulation.daySeconds) s a day; Kafka \(kafka.bootstrapServers), intake \(intakeURL)")
        let simulation = SimulationService(
            settings: settings, city: city, calendar: calendar, producer: producer, client: client, intakeURL: intakeURL,
            subjectRefs: subjectRefs, daySeconds: simulation.dayDuration, logger: logger)
        do {
            try await ToolLifecycle.run([producer, simulation], gracePeriod: .seconds(30), logger: logger)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
