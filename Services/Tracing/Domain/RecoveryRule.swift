public import Foundation

/// The release rule (DOMAIN.md): two consecutive samples, at least 24 h apart,
/// each with Ct at or above 35 on every target (or no amplification).
public enum RecoveryRule {
    /// One of a case's samples after the positive, as the rule sees it.
    public struct Sample: Sendable, Hashable {
        /// The result id.
        public var resultId: String
        /// When the specimen was collected.
        public var collectedAt: Date
        /// Whether the sample meets the release threshold on every target.
        public var qualifies: Bool

        /// Creates a sample.
        public init(resultId: String, collectedAt: Date, qualifies: Bool) {
            self.resultId = resultId
            self.collectedAt = collectedAt
            self.qualifies = qualifies
        }
    }

    /// Whether a result's Ct values meet the release threshold: every target has a Ct at or
    /// above `minimumCt`, or did not amplify (no Ct); and there is at least one target.
    public static func qualifies(cts: [Double?], minimumCt: Double) -> Bool {
        !cts.isEmpty && cts.allSatisfy { ct in ct.map { $0 >= minimumCt } ?? true }
    }

    /// The two result ids that release the case, or `nil` while the rule is not met.
    /// Samples are taken in collection order; a non-qualifying sample breaks the run, so
    /// the pair must be consecutive.
    public static func release(_ samples: [Sample], minimumGap: Duration) -> [String]? {
        let ordered = samples.sorted { ($0.collectedAt, $0.resultId) < ($1.collectedAt, $1.resultId) }
        var previous: Sample? = nil
        for sample in ordered {
            guard sample.qualifies else {
                previous = nil
                continue
            }
            if let first = previous, sample.collectedAt >= first.collectedAt.adding(minimumGap) {
                return [first.resultId, sample.resultId]
            }
            // Keep the earlier qualifying sample of a run: a sample taken too soon after it
            // does not replace it, so a third sample 24 h after the first still completes the pair.
            if previous == nil { previous = sample }
        }
        return nil
    }
}
