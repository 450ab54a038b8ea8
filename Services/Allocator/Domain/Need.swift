public import FangyiEvents
public import Foundation

/// What a person needs a unit for, and which units serve: the output of the assignment
/// policy for one purpose.
///
/// Concurrency: a value type; `Sendable`.
public struct Need: Sendable, Hashable, Codable {
    /// What the unit is for.
    public var purpose: AssignmentPurpose
    /// The kind of facility.
    public var facilityKind: FacilityKind
    /// The unit types that serve, best first.
    public var unitTypes: [UnitType]
    /// Whether a ventilator must come with the unit.
    public var ventilator: Bool
    /// When the assignment is expected to end (quarantine), nil when open-ended (treatment).
    public var expectedEnd: Date?
    /// Why, in words for the operator.
    public var reason: String

    /// Creates a need.
    public init(purpose: AssignmentPurpose, facilityKind: FacilityKind, unitTypes: [UnitType], ventilator: Bool = false,
                expectedEnd: Date? = nil, reason: String) {
        self.purpose = purpose
        self.facilityKind = facilityKind
        self.unitTypes = unitTypes
        self.ventilator = ventilator
        self.expectedEnd = expectedEnd
        self.reason = reason
    }

    /// Whether a unit of this kind and type (with or without a ventilator) serves the need.
    public func isServed(by kind: FacilityKind, _ type: UnitType, ventilator: Bool) -> Bool {
        kind == facilityKind && unitTypes.contains(type) && (ventilator || !self.ventilator)
    }

    /// Whether two needs ask for the same units (reasons and end times aside).
    public func asksForSameUnits(as other: Need) -> Bool {
        purpose == other.purpose && facilityKind == other.facilityKind && unitTypes == other.unitTypes && ventilator == other.ventilator
    }
}

extension AllocationPolicy {
    /// What `person` needs now, at most one need per purpose (DOMAIN.md, "Isolation,
    /// quarantine and care"):
    ///
    /// - an open confirmed or suspected case: treatment. Critical → designated hospital ICU bed
    ///   with a ventilator; severe (or suspected) → designated hospital, negative-pressure bed
    ///   first; mild, moderate, asymptomatic or not yet assessed → fangcang bed;
    /// - a close contact (a secondary contact only when the policy centralizes them) not yet
    ///   released: quarantine in a single room, or a family room when a carer is allowed for a
    ///   child or a dependent elder; one who needs medical care: the yellow-code hospital;
    /// - companions and (by default) secondary contacts quarantine at home: no unit.
    ///
    /// Quarantine ends ``quarantineDays`` after the last exposure, and only with a negative
    /// sample taken within ``releaseTestWindow`` before that end (or after it).
    public func needs(of person: PersonState, now: Date) -> [Need] {
        if person.hasOpenCase, let treatment = treatmentNeed(person) { return [treatment] }
        guard let end = quarantineEnd(of: person), isQuarantined(person), !quarantineCompleted(person, now: now) else { return [] }
        let monitoringEnd = end.addingTimeInterval(Double(homeMonitoringDays) * 86_400)
        let ending = "until \(Self.day(end)), then home health monitoring until \(Self.day(monitoringEnd))"
        if person.needsCare {
            return [Need(purpose: .care, facilityKind: .yellowCodeHospital, unitTypes: [.generalBed, .negativePressureBed],
                         expectedEnd: end, reason: "quarantined \(tierWords(person)) who needs medical care: yellow-code hospital \(ending)")]
        }
        if allowCarers, let age = person.ageYears, age < carerChildUnderAge || age >= carerElderFromAge {
            let who = age < carerChildUnderAge ? "a child under \(carerChildUnderAge)" : "an elder of \(carerElderFromAge) or over"
            return [Need(purpose: .quarantine, facilityKind: .quarantineSite, unitTypes: [.familyRoom], expectedEnd: end,
                         reason: "\(tierWords(person)) who is \(who), with a carer: family room \(ending)")]
        }
        return [Need(purpose: .quarantine, facilityKind: .quarantineSite, unitTypes: [.quarantineSingleRoom], expectedEnd: end,
                     reason: "\(tierWords(person)): centralized quarantine in a single room \(ending)")]
    }

    /// The treatment an open case needs.
    func treatmentNeed(_ person: PersonState) -> Need? {
        let severity = person.severity ?? .unassessed
        switch (person.classification ?? .confirmed, severity) {
        case (_, .critical):
            return Need(purpose: .treatment, facilityKind: .designatedHospital, unitTypes: [.icuBed], ventilator: true,
                        reason: "critical case: designated hospital ICU bed with a ventilator")
        case (_, .severe):
            return Need(purpose: .treatment, facilityKind: .designatedHospital, unitTypes: [.negativePressureBed, .generalBed],
                        reason: "severe case: designated hospital")
        case (.suspected, _):
            return Need(purpose: .treatment, facilityKind: .designatedHospital, unitTypes: [.negativePressureBed, .generalBed],
                        reason: "suspected case: isolated observation at a designated hospital")
        case (_, .mild), (_, .moderate), (_, .asymptomatic), (_, .unassessed):
            let what = person.classification == .asymptomatic ? "asymptomatic infection" : "\(severity.rawValue) case"
            return Need(purpose: .treatment, facilityKind: .fangcang, unitTypes: [.generalBed],
                        reason: "\(what): centralized care in a fangcang hospital")
        }
    }

    /// Whether the person's contact status calls for centralized quarantine (before the end test).
    func isQuarantined(_ person: PersonState) -> Bool {
        guard let tier = person.contactTier else { return false }
        guard tier == .close || (tier == .secondary && centralizeSecondaryContacts) else { return false }
        switch person.contactClearance {
        case nil: return true
        // Became a case: the room is kept until the case's bed is assigned (the case event may come later).
        case .becameCase: return !(person.caseId != nil && person.caseClosedAt != nil)
        case .released, .excluded: return false
        }
    }

    /// The end of centralized quarantine: the last exposure plus ``quarantineDays``.
    public func quarantineEnd(of person: PersonState) -> Date? {
        person.lastExposureAt.map { $0.addingTimeInterval(Double(quarantineDays) * 86_400) }
    }

    /// Whether quarantine is over: its end has passed, a negative diagnostic PCR sample was
    /// taken within the release-test window before the end (or after it), no positive or
    /// inconclusive result came after that sample, and the person has not become a case.
    public func quarantineCompleted(_ person: PersonState, now: Date) -> Bool {
        guard person.contactClearance != .becameCase, let end = quarantineEnd(of: person), now >= end,
              let negative = person.lastNegativeAt else { return false }
        if let against = person.lastNonNegativeAt, against >= negative { return false }
        return negative >= end.addingTimeInterval(-Double(releaseTestWindow.components.seconds))
    }

    private func tierWords(_ person: PersonState) -> String {
        person.contactTier == .secondary ? "secondary contact" : "close contact"
    }

    private static func day(_ date: Date) -> String {
        String(date.formatted(.iso8601.year().month().day()))
    }
}
