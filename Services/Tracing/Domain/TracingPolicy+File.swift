import FangyiEvents
public import FangyiService
import Foundation

extension TracingPolicy: PolicyFileSection {
    /// An error in the policy file: which key and why (`policy.unreadable` or `policy.invalid`).
    public typealias FileError = PolicySection.FileError

    /// The `tracing` section. Keys (all optional): `lookBackDays`, `retentionDays`, `stayMinutes`
    /// (venue kind → minutes), `venueTier` (venue kind → `close`|`companion`), `relationTier`
    /// (relation kind → tier), `maximumStayHours`, `clockSkewMinutes`, `minimumFollowUpMinutes`,
    /// `utcOffsetMinutes`, `releaseMinimumCt`, `releaseSampleGapHours`, `clusterWindowDays`,
    /// `clusterMinimumCases`, `retestDueHours`.
    public static let sectionName = "tracing"

    /// The keys of the `tracing` section.
    public static let sectionKeys: Set<String> = [
        "lookBackDays", "retentionDays", "stayMinutes", "venueTier", "relationTier", "maximumStayHours",
        "clockSkewMinutes", "minimumFollowUpMinutes", "utcOffsetMinutes", "releaseMinimumCt",
        "releaseSampleGapHours", "clusterWindowDays", "clusterMinimumCases", "retestDueHours",
    ]

    public static func applying(_ section: PolicySection?) throws(FileError) -> TracingPolicy {
        var policy = TracingPolicy.default
        guard let tracing = section else { return policy }
        func minutes(_ value: Double) -> Duration { .milliseconds(Int64((value * 60_000).rounded())) }
        policy.lookBackDays = try tracing.integer("lookBackDays", in: 0...30) ?? policy.lookBackDays
        policy.retentionDays = try tracing.integer("retentionDays", in: 1...366) ?? policy.retentionDays
        let stays: [VenueKind: Duration] = try tracing.map("stayMinutes", { raw in
            PolicySection.jsonNumber(raw).flatMap { $0 > 0 && $0 <= 1440 ? minutes($0) : nil }
        }, expected: "minutes in (0, 1440]")
        policy.defaultStay.merge(stays) { $1 }
        let venueTiers: [VenueKind: ContactTier] = try tracing.map("venueTier", { raw in
            (raw as? String).flatMap(ContactTier.init(rawValue:)).flatMap { $0 == .secondary ? nil : $0 }
        }, expected: "close or companion")
        policy.venueTier.merge(venueTiers) { $1 }
        let relationTiers: [RelationKind: ContactTier] = try tracing.map("relationTier", { raw in
            (raw as? String).flatMap(ContactTier.init(rawValue:)).flatMap { $0 == .secondary ? nil : $0 }
        }, expected: "close or companion")
        policy.relationTier.merge(relationTiers) { $1 }
        if let hours = try tracing.number("maximumStayHours", in: 1...72) { policy.maximumStay = minutes(hours * 60) }
        if let value = try tracing.number("clockSkewMinutes", in: 0...1440) { policy.clockSkew = minutes(value) }
        if let value = try tracing.number("minimumFollowUpMinutes", in: 0...1440) { policy.minimumFollowUp = minutes(value) }
        if let value = try tracing.integer("utcOffsetMinutes", in: -720...840) { policy.utcOffset = .seconds(value * 60) }
        policy.releaseMinimumCt = try tracing.number("releaseMinimumCt", in: 0...50) ?? policy.releaseMinimumCt
        if let hours = try tracing.number("releaseSampleGapHours", in: 0...240) { policy.releaseSampleGap = minutes(hours * 60) }
        policy.clusterWindowDays = try tracing.integer("clusterWindowDays", in: 1...90) ?? policy.clusterWindowDays
        policy.clusterMinimumCases = try tracing.integer("clusterMinimumCases", in: 2...1000) ?? policy.clusterMinimumCases
        if let hours = try tracing.number("retestDueHours", in: 0...240) { policy.retestDue = minutes(hours * 60) }
        return policy
    }
}
