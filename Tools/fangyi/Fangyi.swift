import ArgumentParser

/// The Fangyi operator CLI: a local development broker, the topic catalog and its
/// provisioning, a record tail, and the local demo.
///
/// Concurrency: argument parser runs one command on the main task.
@main
struct Fangyi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fangyi",
        abstract: "Fangyi operator tool: development broker, topics, tail, demo.",
        discussion: """
            Each command documents the environment variables it reads in its own --help \
            (fangyi help <command>).
            """,
        subcommands: [BrokerCommand.self, TopicsCommand.self, TailCommand.self, SimulateCommand.self, DemoCommand.self]
    )
}
