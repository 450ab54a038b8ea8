import FangyiEvents
@testable import FangyiNotifier
import Foundation
import Testing

@Suite("Alert rules, templates and signatures")
struct AlertTextTests {
    static let subject = "sr_" + String(repeating: "A", count: 43)
    static let at = Date(timeIntervalSince1970: 1_647_000_000)

    /// One of every fact the notifier turns into alerts.
    static var inputs: [NotifierInput] {
        [
            .caseOpened(CaseOpened(caseId: "case-1", subjectRef: subject, classification: .confirmed, severity: .severe, areaCode: "371502",
                                   infectiousFrom: at, infectiousUntil: nil, positiveResultId: "res-1", openedAt: at, ageYears: 34)),
            .caseLinked(CaseLinked(caseId: "case-1", subjectRef: subject, sourceCaseId: "case-0", chainId: "chain-1", via: .household, linkedAt: at)),
            .clusterDetected(ClusterDetected(clusterId: "cluster-1", areaCode: "371502", caseIds: ["case-1", "case-2"], via: .venue,
                                             venueId: "venue-1", detectedAt: at)),
            .contactIdentified(ContactIdentified(contactId: "contact-1", subjectRef: subject, tier: .close, sourceCaseId: "case-1", via: .venue,
                                                 venueId: "venue-1", areaCode: "371502", exposureFrom: at, exposureUntil: at,
                                                 lastExposureAt: at, followUpDeadline: at.addingTimeInterval(43_200), identifiedAt: at)),
            .retestOrdered(RetestOrdered(retestId: "retest-1", subjectRef: subject, areaCode: "371502", reason: .poolPositive, poolId: "pool-1",
                                         resultId: nil, orderedAt: at, dueBy: at.addingTimeInterval(7200))),
            .resourceAssigned(ResourceAssigned(assignmentId: "asg-1", subjectRef: subject, purpose: .quarantine, facilityId: "qs-1",
                                               facilityKind: .quarantineSite, unitId: "qs-1-0001", unitType: .quarantineSingleRoom,
                                               ventilator: false, assignedAt: at, expectedEnd: nil, policyVersion: "p1", reason: "close contact")),
            .capacityCrossed(CapacityThresholdCrossed(facilityId: "h-1", facilityKind: .designatedHospital, areaCode: "371502", unitType: .icuBed,
                                                      thresholdPercent: 90, direction: .up, occupancyPercent: 91, free: 2, total: 20, crossedAt: at)),
            .standbyActivated(StandbyActivated(facilityId: "qs-9", facilityKind: .quarantineSite, areaCode: "371502", units: 300,
                                               activatedAt: at, readyAt: at.addingTimeInterval(72 * 3600), reason: "80%")),
            .poolResult(PoolResultRecorded(poolId: "pool-1", labId: "lab-1", areaCode: "371502",
                                           members: [PoolMember(subjectRef: subject, specimenId: "sp-1")], interpretation: .positive,
                                           collectedAt: at, reportedAt: at)),
        ]
    }

    static func allDrafts() -> [AlertDraft] {
        inputs.flatMap { AlertRules.drafts(for: $0, facilityArea: "371502", personArea: "371502") }
            + AlertRules.riskChange(area: "371502", from: .low, to: .high, reason: LocalizedText(zh: "原因", en: "why"), change: 1)
            + AlertRules.overdue(contactId: "contact-1", subjectRef: subject, area: "371502", deadline: at)
            + [AlertRules.digest(kind: .contactIdentified, audience: .grid, area: "371502", windowStart: at, window: .seconds(60),
                                 count: 40, refs: ["contact-9"], severity: .warning)]
    }

    @Test("the bundled templates load and cover every alert the rules raise, with every value filled")
    func templatesCoverRules() throws {
        let templates = try AlertTemplates.bundled()
        for draft in Self.allDrafts() {
            #expect(AlertTemplates.variables[draft.templateKey] != nil, "no template key for \(draft.templateKey)")
            let alert = templates.render(draft, issuedAt: Self.at)
            for text in [alert.title.zh, alert.title.en, alert.body.zh, alert.body.en] {
                #expect(!text.contains("{") && !text.contains("}"), "unfilled placeholder in \(draft.templateKey): \(text)")
                #expect(!text.isEmpty)
            }
            #expect(Set(draft.values.keys) == AlertTemplates.variables[draft.templateKey], "values of \(draft.templateKey)")
        }
    }

    @Test("public and health-authority alerts carry no subject ref, name, phone or address")
    func noPersonalDataBeyondThePerson() throws {
        let templates = try AlertTemplates.bundled()
        let drafts = Self.allDrafts()
        #expect(drafts.contains { $0.audience == .public })
        for draft in drafts where [.public, .healthAuthority].contains(draft.audience) {
            let alert = templates.render(draft, issuedAt: Self.at)
            #expect(alert.subjectRef == nil)
            let json = String(decoding: try EventJSON.encode(alert), as: UTF8.self)
            #expect(!json.contains("sr_"), "\(draft.templateKey) names a subject")
            #expect(!json.contains("Zhang San") && !json.contains("138"), "\(draft.templateKey) carries contact details")
        }
        // Even a draft built for the public with a subject ref drops it.
        #expect(AlertDraft(kind: .caseReported, severity: .info, areaCode: "371502", audience: .public, subjectRef: Self.subject,
                           refs: [], values: [:], identity: []).subjectRef == nil)
    }

    @Test("a template file with a missing key, an unknown placeholder, an empty text or an unknown key is refused, naming it")
    func templateFileChecks() throws {
        var all: [String: [String: [String: String]]] = [:]
        for key in AlertTemplates.variables.keys {
            all[key] = ["title": ["zh": "标题 {area}", "en": "Title {area}"], "body": ["zh": "内容", "en": "Body"]]
        }
        func parse(_ templates: [String: [String: [String: String]]]) throws -> AlertTemplates {
            try AlertTemplates.parse(try JSONSerialization.data(withJSONObject: templates), source: "test.json")
        }
        _ = try parse(all)
        func refused(_ change: (inout [String: [String: [String: String]]]) -> Void, naming text: String) {
            var templates = all
            change(&templates)
            do {
                _ = try parse(templates)
                Issue.record("accepted: \(text)")
            } catch {
                #expect("\(error)".contains(text), "\(error)")
                #expect("\(error)".contains("test.json"))
            }
        }
        refused({ $0["clusterDetected/healthAuthority"] = nil }, naming: "clusterDetected/healthAuthority is missing")
        refused({ $0["caseReported/healthAuthority"]?["body"]?["en"] = "Case {caseNumber}" }, naming: "{caseNumber}")
        refused({ $0["retestOrder/person"]?["title"]?["zh"] = " " }, naming: "retestOrder/person title.zh is empty")
        refused({ $0["rumour/public"] = $0["digest/public"] }, naming: "rumour/public is not a template key")
    }

    @Test("signatures verify, and a changed body, id, timestamp or secret does not")
    func signatures() throws {
        let secret = WebhookSignature.newSecret()
        let key = try #require(WebhookSignature.key(ofSecret: secret))
        let body = Array(#"{"alertId":"a"}"#.utf8)
        let now = Date()
        let timestamp = Int64(now.timeIntervalSince1970)
        let signature = WebhookSignature.sign(id: "d-1", timestamp: timestamp, body: body, key: key)
        #expect(signature.hasPrefix("v1,"))
        #expect(WebhookSignature.verify(id: "d-1", timestamp: "\(timestamp)", signatures: signature, body: body, secret: secret, now: now))
        #expect(WebhookSignature.verify(id: "d-1", timestamp: "\(timestamp)", signatures: "v1,AAAA \(signature)", body: body, secret: secret, now: now))
        #expect(!WebhookSignature.verify(id: "d-1", timestamp: "\(timestamp)", signatures: signature, body: body + [32], secret: secret, now: now))
        #expect(!WebhookSignature.verify(id: "d-2", timestamp: "\(timestamp)", signatures: signature, body: body, secret: secret, now: now))
        #expect(!WebhookSignature.verify(id: "d-1", timestamp: "\(timestamp + 1)", signatures: signature, body: body, secret: secret, now: now))
        #expect(!WebhookSignature.verify(id: "d-1", timestamp: "\(timestamp)", signatures: signature, body: body,
                                         secret: WebhookSignature.newSecret(), now: now))
        #expect(!WebhookSignature.verify(id: "d-1", timestamp: "\(timestamp)", signatures: signature, body: body, secret: secret,
                                         now: now.addingTimeInterval(301)))
    }

    @Test("retry delays double per attempt with jitter in the upper half, up to the cap")
    func backoff() {
        let base = Duration.seconds(1)
        let cap = Duration.seconds(60)
        #expect(RetryBackoff.delay(afterAttempt: 1, base: base, cap: cap, random: 0) == .milliseconds(500))
        #expect(RetryBackoff.delay(afterAttempt: 1, base: base, cap: cap, random: 1) == .seconds(1))
        #expect(RetryBackoff.delay(afterAttempt: 4, base: base, cap: cap, random: 1) == .seconds(8))
        #expect(RetryBackoff.delay(afterAttempt: 20, base: base, cap: cap, random: 1) == .seconds(60))
        #expect(RetryBackoff.delay(afterAttempt: 20, base: base, cap: cap, random: 0) == .seconds(30))
    }

    @Test("filters match by kind, area prefix, severity and audience, and refuse the person audience")
    func filters() throws {
        let templates = try AlertTemplates.bundled()
        let cluster = templates.render(AlertRules.drafts(for: Self.inputs[2])[0], issuedAt: Self.at)
        #expect(AlertFilter(areas: ["3715"], audiences: [.healthAuthority]).matches(cluster))
        #expect(!AlertFilter(areas: ["3716"], audiences: [.healthAuthority]).matches(cluster))
        #expect(!AlertFilter(kinds: [.caseReported], audiences: [.healthAuthority]).matches(cluster))
        #expect(AlertFilter(minSeverity: .critical, audiences: [.healthAuthority]).matches(cluster))
        #expect(!AlertFilter(audiences: [.public]).matches(cluster))
        #expect(AlertFilter(audiences: [.person]).problem()?.0 == "audiences")
        #expect(AlertFilter(areas: ["37a"], audiences: [.grid]).problem()?.0 == "areas")
    }
}
