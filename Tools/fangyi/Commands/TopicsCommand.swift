import ArgumentParser

/// `fangyi topics`: the topic catalog and its provisioning on a real cluster.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "List the topic catalog or create its topics on a Kafka cluster.",
        subcommands: [TopicsListCommand.self, TopicsProvisionCommand.self]
    )
}
