@testable import FangyiNotifier
import FangyiService
import Foundation
import Testing

@Suite("Notifier configuration")
struct ConfigurationTests {
    @Test("defaults, and a bad value names its variable")
    func environment() throws {
        let configuration = try NotifierConfiguration.fromEnvironment(EnvironmentReader([:]))
        #expect(configuration.service.httpPort == 8084)
        #expect(configuration.schema == "notifier")
        #expect(configuration.gatewayURL == nil)
        #expect(!configuration.allowInsecureWebhooks)
        #expect(configuration.scheduleInterval == .seconds(10))
        do {
            _ = try NotifierConfiguration.fromEnvironment(EnvironmentReader(["NOTIFIER_BATCH_SIZE": "0"]))
            Issue.record("a batch size of 0 was accepted")
        } catch {
            #expect(error.variable == "NOTIFIER_BATCH_SIZE")
        }
        do {
            _ = try NotifierConfiguration.fromEnvironment(EnvironmentReader(["NOTIFIER_OPERATOR_TOKENS_SHA256": "not-a-digest"]))
            Issue.record("a malformed digest was accepted")
        } catch {
            #expect(error.variable == "NOTIFIER_OPERATOR_TOKENS_SHA256")
        }
    }

    @Test("the README documents every variable fangyi-notifier reads")
    func readmeDocumentsVariables() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../README.md").standardizedFileURL, encoding: .utf8)
        for variable in NotifierConfiguration.variables where !variable.name.hasPrefix("DATABASE") {
            let name = variable.name.replacingOccurrences(of: "<PROPERTY>", with: "")
            #expect(readme.contains("`\(name)"), "\(variable.name) is not in the README")
        }
    }

    @Test("a subscriber's allowance: bursts of ten seconds' worth, then one request per 60/rate seconds")
    func tokenBucket() {
        var bucket = TokenBucket(perMinute: 60)
        let start = ContinuousClock.now
        for _ in 0..<10 { #expect(bucket.take(now: start) == nil) }
        #expect(bucket.take(now: start) == .seconds(1))
        #expect(bucket.take(now: start + .seconds(1)) == nil)
        #expect(bucket.take(now: start + .seconds(1)) != nil)
    }
}
