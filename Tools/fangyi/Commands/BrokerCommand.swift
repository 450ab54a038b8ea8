import ArgumentParser

/// `fangyi broker`: runs the development broker in the foreground until Ctrl-C or SIGTERM.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run a local development Kafka (librdkafka's mock cluster) with every Fangyi topic.",
        discussion: """
            Starts an in-memory mock cluster on loopback ports, creates every catalog topic with \
            its partition count plus the dead-letter topic of each consumer group, prints \
            'bootstrap: HOST:PORT,...' and writes it to the bootstrap file, where services, tests \
            and other fangyi commands started in this directory find it. Runs until Ctrl-C or \
            SIGTERM, then removes the file.

            Development only: data is in memory, librdkafka 2.0.2's mock keeps only the newest \
            ~5 MB per partition, topic configs (retention) are ignored and the CreateTopics API \
            is not supported. Never for production.

            \(ToolEnvironment.helpSection([ToolEnvironment.logLevelVariable]))
            """
    )

    @OptionGroup var options: BrokerOptions

    func run() async throws {
        let logger = try ToolEnvironment.logger("fangyi.broker")
        Console.err(DevBroker.warning)
        let broker = DevBroker(
            brokers: options.brokers, bootstrapFile: BootstrapFile(path: options.bootstrapFile), logger: logger)
        try await ToolLifecycle.run([broker], gracePeriod: .seconds(10), logger: logger)
        Console.err("broker stopped")
    }
}
