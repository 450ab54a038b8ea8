public import FangyiEvents
public import Foundation

/// Which alerts each consumed fact raises, for whom (DOMAIN.md, "Who needs to hear what"):
///
/// - the health authority (CDC, command centre): every new case, cluster, chain link, positive
///   pool, capacity threshold, standby activation and growing waitlist;
/// - grid workers of the person's area: each new contact to find, with the follow-up deadline;
/// - facilities: who is coming, to which unit;
/// - the person: quarantine and retest orders (sent through the message gateway);
/// - the public: risk level changes only (``riskChange(area:from:to:reason:at:)``).
///
/// Pure: the caller resolves the areas of facilities and persons it has seen.
public enum AlertRules {
    /// The alerts `input` raises. `facilityArea` is the area of the facility an assignment
    /// names, when known; `personArea` the area of the person it concerns, when known.
    public static func drafts(for input: NotifierInput, facilityArea: String? = nil, personArea: String? = nil) -> [AlertDraft] {
        switch input {
        case .caseOpened(let e):
            let severity: AlertSeverity = [.severe, .critical].contains(e.severity) ? .critical : .warning
            return [AlertDraft(kind: .caseReported, severity: severity, areaCode: e.areaCode, audience: .healthAuthority,
                               refs: [e.caseId, e.positiveResultId],
                               values: ["area": .plain(e.areaCode), "caseId": .plain(e.caseId),
                                        "classification": e.classification.localized, "severity": e.severity.localized],
                               identity: [e.caseId])]
        case .caseLinked(let e):
            guard let area = personArea else { return [] }
            return [AlertDraft(kind: .chainLinked, severity: .info, areaCode: area, audience: .healthAuthority,
                               refs: [e.caseId, e.sourceCaseId, e.chainId],
                               values: ["area": .plain(area), "caseId": .plain(e.caseId), "sourceCaseId": .plain(e.sourceCaseId),
                                        "chainId": .plain(e.chainId)],
                               identity: [e.caseId, e.sourceCaseId, e.chainId])]
        case .clusterDetected(let e):
            return [AlertDraft(kind: .clusterDetected, severity: .critical, areaCode: e.areaCode, audience: .healthAuthority,
                               refs: [e.clusterId] + e.caseIds,
                               values: ["area": .plain(e.areaCode), "clusterId": .plain(e.clusterId), "cases": .plain("\(e.caseIds.count)")],
                               identity: [e.clusterId])]
        case .contactIdentified(let e):
            let values: [String: LocalizedText] = [
                "area": .plain(e.areaCode), "contactId": .plain(e.contactId), "tier": e.tier.localized,
                "sourceCaseId": .plain(e.sourceCaseId), "deadline": Self.time(e.followUpDeadline),
            ]
            var drafts = [AlertDraft(kind: .contactIdentified, severity: e.tier == .close ? .warning : .info, areaCode: e.areaCode,
                                     audience: .grid, subjectRef: e.subjectRef, refs: [e.contactId, e.sourceCaseId],
                                     dueBy: e.followUpDeadline, values: values, identity: [e.contactId])]
            if e.tier != .companion {
                drafts.append(AlertDraft(kind: .quarantineOrder, severity: .critical, areaCode: e.areaCode, audience: .person,
                                         subjectRef: e.subjectRef, refs: [e.contactId], dueBy: e.followUpDeadline,
                                         values: values, identity: [e.contactId]))
            }
            return drafts
        case .retestOrdered(let e):
            return [AlertDraft(kind: .retestOrder, severity: .critical, areaCode: e.areaCode, audience: .person,
                               subjectRef: e.subjectRef, refs: [e.retestId], dueBy: e.dueBy,
                               values: ["area": .plain(e.areaCode), "reason": e.reason.localized, "deadline": Self.time(e.dueBy)],
                               identity: [e.retestId])]
        case .resourceAssigned(let e):
            guard let area = facilityArea ?? personArea else { return [] }
            return [Self.admission(area: area, subjectRef: e.subjectRef, assignmentId: e.assignmentId, facilityId: e.facilityId,
                                   kind: e.facilityKind, unitId: e.unitId, unitType: e.unitType)]
        case .assignmentTransferred(let e):
            guard let area = facilityArea ?? personArea else { return [] }
            return [Self.admission(area: area, subjectRef: e.subjectRef, assignmentId: e.assignmentId, facilityId: e.toFacilityId,
                                   kind: e.toFacilityKind, unitId: e.toUnitId, unitType: e.toUnitType)]
        case .capacityCrossed(let e):
            let up = e.direction == .up
            return [AlertDraft(kind: .capacityLow, severity: up ? (e.thresholdPercent >= 90 ? .critical : .warning) : .info,
                               areaCode: e.areaCode, audience: .healthAuthority, refs: [e.facilityId],
                               values: ["area": .plain(e.areaCode), "facilityId": .plain(e.facilityId),
                                        "facilityKind": e.facilityKind.localized, "unitType": e.unitType.localized,
                                        "threshold": .plain("\(e.thresholdPercent)"), "free": .plain("\(e.free)"),
                                        "total": .plain("\(e.total)"),
                                        "direction": up ? LocalizedText(zh: "升至", en: "risen to") : LocalizedText(zh: "降至", en: "fallen below")],
                               identity: [e.facilityId, e.unitType.rawValue, "\(e.thresholdPercent)", e.direction.rawValue,
                                          Self.stamp(e.crossedAt)])]
        case .standbyActivated(let e):
            return [AlertDraft(kind: .standbyActivated, severity: .warning, areaCode: e.areaCode, audience: .healthAuthority,
                               refs: [e.facilityId],
                               values: ["area": .plain(e.areaCode), "facilityId": .plain(e.facilityId),
                                        "facilityKind": e.facilityKind.localized, "units": .plain("\(e.units)"),
                                        "readyAt": Self.time(e.readyAt)],
                               identity: [e.facilityId, Self.stamp(e.activatedAt)])]
        case .poolResult(let e):
            guard e.interpretation == .positive else { return [] }
            return [AlertDraft(kind: .poolPositive, severity: .warning, areaCode: e.areaCode, audience: .healthAuthority,
                               refs: [e.poolId],
                               values: ["area": .plain(e.areaCode), "poolId": .plain(e.poolId), "members": .plain("\(e.members.count)")],
                               identity: [e.poolId])]
        case .caseReclassified, .contactCleared, .assignmentWaitlisted, .capacityChanged, .labResult:
            return []
        }
    }

    /// A `waitlistGrowing` alert when a waitlist place reaches one of the policy's positions
    /// (once a day per area, facility kind, unit type and position).
    public static func waitlist(_ e: AssignmentWaitlisted, policy: NotifierPolicy) -> AlertDraft? {
        guard policy.waitlistAlertPositions.contains(e.position) else { return nil }
        return AlertDraft(kind: .waitlistGrowing, severity: e.position >= 100 ? .critical : .warning, areaCode: e.areaCode,
                          audience: .healthAuthority, refs: [],
                          values: ["area": .plain(e.areaCode), "unitType": e.unitType.localized,
                                   "facilityKind": e.facilityKind.localized, "position": .plain("\(e.position)")],
                          identity: [e.areaCode, e.facilityKind.rawValue, e.unitType.rawValue, "\(e.position)",
                                     Self.day(e.waitlistedAt, policy: policy)])
    }

    /// The public's and the health authority's alerts for the area's `change`-th level change.
    public static func riskChange(area: String, from: RiskLevel, to: RiskLevel, reason: LocalizedText, change: Int) -> [AlertDraft] {
        let severity: AlertSeverity = switch to { case .high: .critical; case .medium: .warning; case .low: .info }
        let values: [String: LocalizedText] = ["area": .plain(area), "level": to.localized, "previous": from.localized, "reason": reason]
        return [AlertAudience.public, .healthAuthority].map { audience in
            AlertDraft(kind: .riskLevelChanged, severity: severity, areaCode: area, audience: audience, riskLevel: to, refs: [],
                       values: values, identity: [area, String(change), from.rawValue, to.rawValue])
        }
    }

    /// A grid task and the health authority's notice for a contact whose follow-up deadline passed.
    public static func overdue(contactId: String, subjectRef: String, area: String, deadline: Date) -> [AlertDraft] {
        let values: [String: LocalizedText] = ["area": .plain(area), "contactId": .plain(contactId), "deadline": Self.time(deadline)]
        return [
            AlertDraft(kind: .followUpOverdue, severity: .critical, areaCode: area, audience: .grid, subjectRef: subjectRef,
                       refs: [contactId], dueBy: deadline, values: values, identity: [contactId]),
            AlertDraft(kind: .followUpOverdue, severity: .critical, areaCode: area, audience: .healthAuthority, refs: [contactId],
                       dueBy: deadline, values: values, identity: [contactId]),
        ]
    }

    /// One alert standing for `count` held-back alerts of `kind` for `audience` in `area`
    /// during the window starting at `windowStart`.
    public static func digest(kind: AlertKind, audience: AlertAudience, area: String, windowStart: Date, window: Duration,
                              count: Int, refs: [String], severity: AlertSeverity) -> AlertDraft {
        let minutes = max(1, Int((Double(window.components.seconds) / 60).rounded(.up)))
        return AlertDraft(kind: .digest, severity: severity, areaCode: area, audience: audience, refs: refs,
                          values: ["area": .plain(area), "count": .plain("\(count)"), "kindName": kind.localized,
                                   "minutes": .plain("\(minutes)"), "from": Self.time(windowStart)],
                          identity: [kind.rawValue, area, Self.stamp(windowStart)], digestOf: kind, count: count)
    }

    private static func admission(area: String, subjectRef: String, assignmentId: String, facilityId: String, kind: FacilityKind,
                                  unitId: String, unitType: UnitType) -> AlertDraft {
        AlertDraft(kind: .assignmentNotice, severity: .info, areaCode: area, audience: .facility, subjectRef: subjectRef,
                   refs: [assignmentId, facilityId, unitId],
                   values: ["area": .plain(area), "facilityId": .plain(facilityId), "facilityKind": kind.localized,
                            "unitId": .plain(unitId), "unitType": unitType.localized, "assignmentId": .plain(assignmentId)],
                   identity: [assignmentId])
    }

    /// A time as operators read it: ISO 8601 in UTC (templates say so).
    static func time(_ date: Date) -> LocalizedText { .plain(date.formatted(.iso8601)) }

    static func stamp(_ date: Date) -> String { String(Int64((date.timeIntervalSince1970 * 1000).rounded())) }

    static func day(_ date: Date, policy: NotifierPolicy) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = policy.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return "\(parts.year ?? 0)-\(parts.month ?? 0)-\(parts.day ?? 0)"
    }
}
