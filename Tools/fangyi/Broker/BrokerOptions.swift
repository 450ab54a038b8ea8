import ArgumentParser
import FangyiService

/// The development broker's options, shared by `fangyi broker` and `fangyi demo`.
struct BrokerOptions: ParsableArguments {
    @Option(help: "Number of mock brokers (1-10).")
    var brokers = 3

    @Option(help: "Where to publish the bootstrap address.")
    var bootstrapFile = ServiceConfiguration.defaultBootstrapFile

    func validate() throws {
        guard (1...10).contains(brokers) else {
            throw ValidationError("--brokers must be between 1 and 10, not \(brokers)")
        }
    }
}
