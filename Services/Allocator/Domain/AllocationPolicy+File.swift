public import FangyiService
import Foundation

extension AllocationPolicy: PolicyFileSection {
    public static let sectionName = "allocator"

    /// The keys of the `allocator` section.
    public static let sectionKeys: Set<String> = [
        "version", "quarantineDays", "homeMonitoringDays", "centralizeSecondaryContacts", "carerChildUnderAge",
        "carerElderFromAge", "allowCarers", "priorityElderFromAge", "priorityChildUnderAge", "thresholds",
        "hysteresisPoints", "standbyActivationPercent", "defaultActivationLeadHours", "releaseTestWindowHours",
        "maximumAreaHops",
    ]

    public static func applying(_ section: PolicySection?) throws(PolicySection.FileError) -> AllocationPolicy {
        var policy = AllocationPolicy.default
        guard let section else { return policy }
        func hours(_ value: Double) -> Duration { .milliseconds(Int64((value * 3_600_000).rounded())) }
        policy.version = try section.string("version") ?? policy.version
        policy.quarantineDays = try section.integer("quarantineDays", in: 0...60) ?? policy.quarantineDays
        policy.homeMonitoringDays = try section.integer("homeMonitoringDays", in: 0...60) ?? policy.homeMonitoringDays
        policy.centralizeSecondaryContacts = try section.bool("centralizeSecondaryContacts") ?? policy.centralizeSecondaryContacts
        policy.carerChildUnderAge = try section.integer("carerChildUnderAge", in: 0...18) ?? policy.carerChildUnderAge
        policy.carerElderFromAge = try section.integer("carerElderFromAge", in: 50...130) ?? policy.carerElderFromAge
        policy.allowCarers = try section.bool("allowCarers") ?? policy.allowCarers
        policy.priorityElderFromAge = try section.integer("priorityElderFromAge", in: 40...130) ?? policy.priorityElderFromAge
        policy.priorityChildUnderAge = try section.integer("priorityChildUnderAge", in: 0...18) ?? policy.priorityChildUnderAge
        if let thresholds = try section.integers("thresholds", in: 1...100) {
            policy.thresholds = Array(Set(thresholds)).sorted()
        }
        policy.hysteresisPoints = try section.number("hysteresisPoints", in: 0...50) ?? policy.hysteresisPoints
        policy.standbyActivationPercent = try section.integer("standbyActivationPercent", in: 1...100) ?? policy.standbyActivationPercent
        if let value = try section.number("defaultActivationLeadHours", in: 0...720) { policy.defaultActivationLead = hours(value) }
        if let value = try section.number("releaseTestWindowHours", in: 1...240) { policy.releaseTestWindow = hours(value) }
        policy.maximumAreaHops = try section.integer("maximumAreaHops", in: 0...100) ?? policy.maximumAreaHops
        return policy
    }
}
