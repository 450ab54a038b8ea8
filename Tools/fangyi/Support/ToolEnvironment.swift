import FangyiKafka
import FangyiService
import Foundation
import Logging

/// What every `fangyi` command reads from its process: the logger and the Kafka settings.
///
/// Concurrency: all members are safe from any task; logging is bootstrapped once.
enum ToolEnvironment {
    /// The `client.id` of the CLI's Kafka clients unless `KAFKA_CLIENT_ID` says otherwise.
    static let clientID = "fangyi-cli"

    /// `LOG_LEVEL` as the CLI documents it: librdkafka and lifecycle messages below
    /// `notice` are noise for an operator at a terminal.
    static let logLevelVariable: EnvironmentVariable = {
        var variable = EnvironmentVariable.logLevel
        variable.defaultDescription = "notice"
        return variable
    }()

    /// The Kafka variables the commands that talk to a cluster read, for `--help`.
    static let kafkaVariables: [EnvironmentVariable] = {
        var clientIDVariable = EnvironmentVariable.kafkaClientID
        clientIDVariable.defaultDescription = clientID
        return [.kafkaBootstrapServers, .kafkaPassThrough, clientIDVariable, logLevelVariable]
    }()

    /// Bootstraps swift-log (standard error, level from `LOG_LEVEL`, default `notice`)
    /// on first use and returns a logger labelled `label`.
    ///
    /// - Throws: `ConfigurationError` for an unknown `LOG_LEVEL`.
    static func logger(_ label: String) throws(ConfigurationError) -> Logger {
        let level = try EnvironmentReader().value(
            logLevelVariable,
            code: ConfigurationError.invalidChoice,
            expected: "one of trace, debug, info, notice, warning, error, critical",
            parse: { Logger.Level(rawValue: $0.lowercased()) }
        ) ?? .notice
        _ = bootstrapped
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }

    private static let bootstrapped: Bool = {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        return true
    }()

    /// The cluster to talk to: `KAFKA_BOOTSTRAP_SERVERS`, else `.fangyi/bootstrap` (written by
    /// `fangyi broker`), else `localhost:9092`; every other `KAFKA_*` variable passes through to
    /// librdkafka. Statistics stay off unless `KAFKA_STATISTICS_INTERVAL_MS` asks for them: a
    /// short-lived command has no metrics endpoint to feed.
    ///
    /// - Throws: `ConfigurationError` when the bootstrap file exists but cannot be read.
    static func kafkaConfiguration() throws(ConfigurationError) -> KafkaConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let servers = try ServiceConfiguration.kafkaBootstrapServers(EnvironmentReader(environment)) ?? "localhost:9092"
        var configuration = KafkaConfiguration.fromEnvironment(environment, defaultBootstrapServers: servers)
        // fromEnvironment takes KAFKA_BOOTSTRAP_SERVERS verbatim; the resolved value is trimmed.
        configuration.bootstrapServers = servers
        if environment[EnvironmentVariable.kafkaClientID.name] == nil {
            configuration.clientID = clientID
        }
        if environment[EnvironmentVariable.kafkaStatisticsInterval.name] == nil {
            configuration.statisticsInterval = nil
        }
        return configuration
    }

    /// The directory holding the running `fangyi` executable (symlinks resolved), where
    /// `swift build` and the container image also put the service executables.
    static var executableDirectory: URL {
        #if os(Linux)
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        #else
        let executable = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]))
            .resolvingSymlinksInPath()
        #endif
        return executable.deletingLastPathComponent()
    }

    /// `--help` text listing `variables` under an "Environment" heading.
    ///
    /// Lines are wrapped here, at 78 columns with their indentation kept: argument parser
    /// would wrap longer ones at the left margin.
    static func helpSection(_ variables: [EnvironmentVariable]) -> String {
        var lines = ["Environment:"]
        for variable in variables {
            lines.append("  \(variable.name)")
            lines += wrap(variable.help, indent: 6)
            lines += wrap("Default: \(variable.defaultDescription)", indent: 6)
            if variable.isSecret { lines.append("      Secret: never printed in errors or logs.") }
        }
        return lines.joined(separator: "\n")
    }

    /// `text` as lines of at most `width` columns, each indented by `indent` spaces; a word
    /// longer than a line gets a line of its own.
    static func wrap(_ text: String, indent: Int, width: Int = 78) -> [String] {
        let margin = String(repeating: " ", count: indent)
        var lines: [String] = []
        var line = ""
        for word in text.split(whereSeparator: \.isWhitespace) {
            if !line.isEmpty, indent + line.count + 1 + word.count > width {
                lines.append(margin + line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(margin + line) }
        return lines
    }
}
