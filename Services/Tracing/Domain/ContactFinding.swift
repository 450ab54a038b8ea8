public import FangyiEvents
import Foundation

/// One reason to make a person a contact: who, at which tier, through which setting
/// and when. Findings come from co-presence at venues and from relations; the
/// tracer keeps the strongest per person (``strongest(_:)``).
/// Concurrency: a value type; `Sendable`.
public struct ContactFinding: Sendable, Hashable {
    /// The person found.
    public var subjectRef: String
    /// The tier the finding gives.
    public var tier: ContactTier
    /// The case traced from.
    public var sourceCaseId: String
    /// For secondary findings, the close contact they came through.
    public var viaContactId: String?
    /// The setting.
    public var via: ExposureRoute
    /// The venue, for venue findings.
    public var venueId: String?
    /// Where the exposure happened (the venue's area, or the source's area for relations).
    public var exposureAreaCode: String
    /// The shared time.
    public var exposure: TimeSpan

    /// Creates a finding from its parts.
    public init(subjectRef: String, tier: ContactTier, sourceCaseId: String, viaContactId: String? = nil,
                via: ExposureRoute, venueId: String? = nil, exposureAreaCode: String, exposure: TimeSpan) {
        self.subjectRef = subjectRef
        self.tier = tier
        self.sourceCaseId = sourceCaseId
        self.viaContactId = viaContactId
        self.via = via
        self.venueId = venueId
        self.exposureAreaCode = exposureAreaCode
        self.exposure = exposure
    }

    /// Whether `self` is a better reason than `other` for the same person: a higher tier,
    /// then a later last exposure (quarantine counts from it), then a stable order so that
    /// every worker picks the same finding.
    public func isStronger(than other: ContactFinding) -> Bool {
        if tier.rank != other.tier.rank { return tier.rank > other.tier.rank }
        if exposure.end != other.exposure.end { return exposure.end > other.exposure.end }
        if exposure.start != other.exposure.start { return exposure.start < other.exposure.start }
        if sourceCaseId != other.sourceCaseId { return sourceCaseId < other.sourceCaseId }
        return (viaContactId ?? "", venueId ?? "", via.rawValue, exposureAreaCode)
            < (other.viaContactId ?? "", other.venueId ?? "", other.via.rawValue, other.exposureAreaCode)
    }

    /// The strongest finding per person, sorted by subject ref (the order rows are locked in).
    public static func strongest(_ findings: [ContactFinding]) -> [ContactFinding] {
        var best: [String: ContactFinding] = [:]
        for finding in findings {
            if let current = best[finding.subjectRef], !finding.isStronger(than: current) { continue }
            best[finding.subjectRef] = finding
        }
        return best.values.sorted { $0.subjectRef < $1.subjectRef }
    }
}
