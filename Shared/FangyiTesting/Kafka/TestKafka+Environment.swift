import Foundation

extension TestKafka {
    /// Whether tests in this process run on the in-process mock cluster (no
    /// `KAFKA_BOOTSTRAP_SERVERS`), as ``TestKafka/init(brokers:label:)`` decides.
    /// Suites that inject faults (broker outages, request errors) are enabled only then.
    public static var runsOnMockCluster: Bool {
        ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"].map(\.isEmpty) ?? true
    }
}
