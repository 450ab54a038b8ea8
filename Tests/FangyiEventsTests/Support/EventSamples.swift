import Foundation
@testable import FangyiEvents

/// Swift-built instances of every event type with only the required fields set.
/// They must encode to JSON that validates against the schema, which catches a field that
/// Swift treats as optional while the schema requires it.
enum EventSamples {
    static var minimal: [any KeyedEvent] {
        [
            LabResultRecorded(
                resultId: "LR-4401-20220314-000123",
                labId: "lab-liaocheng-cdc",
                specimenId: "SPC-20220314-0001",
                version: 2,
                status: .corrected,
                subjectRef: "sr_V0liSf5VQRhyzeMLIrL_eTRxve5Uwxg2VQZZAvavHrc",
                areaCode: "371502",
                testKind: .pcr,
                specimenType: .oropharyngealSwab,
                targets: [TargetResult(target: .orf1ab, ct: 23.5), TargetResult(target: .n, ct: 25.25)],
                interpretation: .positive,
                isScreeningOnly: false,
                collectedAt: date("2022-03-14T01:15:00.000Z"),
                reportedAt: date("2022-03-14T07:02:30.250Z")
            ),
            PoolResultRecorded(
                poolId: "POOL-371502-0088",
                labId: "lab-liaocheng-cdc",
                areaCode: "371502",
                members: [PoolMember(subjectRef: "sr_mBH7Gzr6Wglq5v6VQbH6Yb_QABi57pt_gRGkfyh4SOI", specimenId: "SPC-20220314-0001"), PoolMember(subjectRef: "sr_JGQex5-Okz5PGWL2PS5lZJdRGYL3FcwnYDatYpDggHA", specimenId: "SPC-20220314-0002")],
                interpretation: .positive,
                collectedAt: date("2022-03-14T01:15:00.000Z"),
                reportedAt: date("2022-03-14T07:02:30.250Z")
            ),
            LabReceipt(
                labId: "lab-liaocheng-cdc",
                submissionId: "SUB-20220314-17",
                itemIndex: 3,
                outcome: .rejected,
                receivedAt: date("2022-03-14T07:02:31.000Z")
            ),
            CheckIn(
                venueId: "venue-371502-000871",
                venueKind: .market,
                areaCode: "371502",
                subjectRef: "sr_V0liSf5VQRhyzeMLIrL_eTRxve5Uwxg2VQZZAvavHrc",
                source: .placeCode,
                checkedInAt: date("2022-03-10T02:20:00.000Z")
            ),
            Relation(
                kind: .household,
                subjectRef: "sr_V0liSf5VQRhyzeMLIrL_eTRxve5Uwxg2VQZZAvavHrc",
                otherSubjectRef: "sr_qnM07FGn7vj4yXEAM7I47aj2Fv52okbHytn7ybdxQQY",
                validFrom: date("2020-01-01T00:00:00.000Z"),
                source: .householdRegistry,
                recordedAt: date("2022-03-14T08:30:00.000Z")
            ),
            ClinicalAssessment(
                assessmentId: "CA-20220314-0042",
                subjectRef: "sr_V0liSf5VQRhyzeMLIrL_eTRxve5Uwxg2VQZZAvavHrc",
                assessedAt: date("2022-03-14T09:00:00.000Z"),
                symptomatic: true,
                severity: .moderate,
                discharged: false,
                needsCare: true
            ),
            CaseOpened(
                caseId: "case-371502-0007",
                subjectRef: "sr_V0liSf5VQRhyzeMLIrL_eTRxve5Uwxg2VQZZAvavHrc",
                classification: .confirmed,
                severity: .unassessed,
                areaCode: "371502",
                infectiousFrom: date("2022-03-10T01:15:00.000Z"),
                positiveResultId: "LR-4401-20220314-000123",
                openedAt: date("2022-03-14T08:30:00.000Z")
            ),
            CaseReclassified(
                caseId: "case-371502-0007",
                subjectRef: "sr_V0liSf5VQRhyzeMLIrL_eTRxve5Uwxg2VQZZAvavHrc",
                previousClassification: .asymptomatic,
                classification: .confirmed,
                severity: .moderate,
                areaCode: "371502",
                reason: "symptoms developed",
                reclassifiedAt: date("2022-03-15T10:00:00.000Z")
            ),
            CaseRecovered(
                caseId: "case-371502-0007",
                subjectRef: "sr_V0liSf5VQRhyzeMLIrL_eTRxve5Uwxg2VQZZAvavHrc",
                areaCode: "371502",
                releaseResultIds: ["LR-4401-20220324-000311", "LR-4401-20220325-000402"],
                recoveredAt: date("2022-03-25T12:00:00.000Z")
            ),
            CaseLinked(
                caseId: "case-371502-0009",
                subjectRef: "sr_BIUv6mRJuqVFD_SZBZhFIW_3p3_MSFOlQgg8BWWKFrE",
                sourceCaseId: "case-371502-0007",
                chainId: "chain-371502-02",
                via: .household,
                linkedAt: date("2022-03-16T04:00:00.000Z")
            ),
            ContactIdentified(
                contactId: "contact-371502-00412",
                subjectRef: "sr_qnM07FGn7vj4yXEAM7I47aj2Fv52okbHytn7ybdxQQY",
                tier: .close,
                sourceCaseId: "case-371502-0007",
                via: .venue,
                areaCode: "371502",
                exposureFrom: date("2022-03-10T02:20:00.000Z"),
                exposureUntil: date("2022-03-10T03:05:00.000Z"),
                lastExposureAt: date("2022-03-10T03:05:00.000Z"),
                followUpDeadline: date("2022-03-14T16:00:00.000Z"),
                identifiedAt: date("2022-03-14T08:30:00.000Z")
            ),
            ContactCleared(
                contactId: "contact-371502-00412",
                subjectRef: "sr_qnM07FGn7vj4yXEAM7I47aj2Fv52okbHytn7ybdxQQY",
                sourceCaseId: "case-371502-0007",
                clearance: .released,
                clearedAt: date("2022-03-20T09:00:00.000Z")
            ),
            RetestOrdered(
                retestId: "retest-371502-01201",
                subjectRef: "sr_mBH7Gzr6Wglq5v6VQbH6Yb_QABi57pt_gRGkfyh4SOI",
                areaCode: "371502",
                reason: .poolPositive,
                orderedAt: date("2022-03-14T08:30:00.000Z"),
                dueBy: date("2022-03-14T14:30:00.000Z")
            ),
            ClusterDetected(
                clusterId: "cluster-371502-003",
                areaCode: "371502",
                caseIds: ["case-371502-0007", "case-371502-0009"],
                via: .venue,
                detectedAt: date("2022-03-16T04:00:00.000Z")
            ),
            ResourceAssigned(
                assignmentId: "asg-0000917",
                subjectRef: "sr_V0liSf5VQRhyzeMLIrL_eTRxve5Uwxg2VQZZAvavHrc",
                purpose: .treatment,
                facilityId: "facility-lc-hospital-3",
                facilityKind: .designatedHospital,
                unitId: "ward-5-bed-12",
                unitType: .negativePressureBed,
                ventilator: false,
                assignedAt: date("2022-03-14T09:10:00.000Z"),
                policyVersion: "allocation-2022.1",
                reason: "confirmed case, age 67: designated hospital, negative-pressure bed"
            ),
            AssignmentWaitlisted(
                assignmentId: "asg-0000918",
                subjectRef: "sr_qnM07FGn7vj4yXEAM7I47aj2Fv52okbHytn7ybdxQQY",
                purpose: .quarantine,
                facilityKind: .quarantineSite,
                unitType: .quarantineSingleRoom,
                areaCode: "371502",
                position: 4,
                waitlistedAt: date("2022-03-14T09:12:00.000Z"),
                policyVersion: "allocation-2022.1",
                reason: "no free single room within 20 km"
            ),
            AssignmentReleased(
                assignmentId: "asg-0000917",
                subjectRef: "sr_V0liSf5VQRhyzeMLIrL_eTRxve5Uwxg2VQZZAvavHrc",
                facilityId: "facility-lc-hospital-3",
                unitId: "ward-5-bed-12",
                releaseReason: .recovered,
                releasedAt: date("2022-03-25T12:30:00.000Z")
            ),
            AssignmentTransferred(
                assignmentId: "asg-0000931",
                previousAssignmentId: "asg-0000917",
                subjectRef: "sr_V0liSf5VQRhyzeMLIrL_eTRxve5Uwxg2VQZZAvavHrc",
                purpose: .treatment,
                fromFacilityId: "facility-lc-fangcang-1",
                fromUnitId: "hall-2-bed-311",
                toFacilityId: "facility-lc-hospital-3",
                toFacilityKind: .designatedHospital,
                toUnitId: "icu-1-bed-4",
                toUnitType: .icuBed,
                ventilator: true,
                transferredAt: date("2022-03-17T21:40:00.000Z"),
                policyVersion: "allocation-2022.1",
                reason: "severity rose to critical"
            ),
            CapacityChanged(
                facilityId: "facility-lc-hospital-3",
                facilityKind: .designatedHospital,
                areaCode: "371502",
                unitType: .icuBed,
                total: 40,
                occupied: 31,
                free: 7,
                outOfService: 2,
                waitlist: 0,
                changedAt: date("2022-03-17T21:40:00.000Z")
            ),
            CapacityThresholdCrossed(
                facilityId: "facility-lc-hospital-3",
                facilityKind: .designatedHospital,
                areaCode: "371502",
                unitType: .icuBed,
                thresholdPercent: 80,
                direction: .up,
                occupancyPercent: 81.6,
                free: 7,
                total: 40,
                crossedAt: date("2022-03-17T21:40:00.000Z")
            ),
            StandbyActivated(
                facilityId: "facility-lc-qsite-104",
                facilityKind: .quarantineSite,
                areaCode: "371502",
                units: 220,
                activatedAt: date("2022-03-17T21:41:00.000Z"),
                readyAt: date("2022-03-20T21:41:00.000Z"),
                reason: "quarantine rooms in 371502 above 85%"
            ),
            Alert(
                alertId: "alert-20220314-0193",
                kind: .riskLevelChanged,
                severity: .warning,
                areaCode: "371502",
                audience: .`public`,
                title: LocalizedText(zh: "东昌府区风险等级调整为中风险", en: "Dongchangfu district risk level raised to medium"),
                body: LocalizedText(zh: "请减少聚集，配合核酸检测。", en: "Avoid gatherings and take part in testing."),
                refs: ["cluster-371502-003"],
                issuedAt: date("2022-03-14T09:00:00.000Z")
            ),
            NotificationDelivery(
                deliveryId: "dlv-0193-webhook-cdc",
                alertId: "alert-20220314-0193",
                subscriberId: "sub-cdc-liaocheng",
                channel: .webhook,
                attempt: 2,
                outcome: .delivered,
                at: date("2022-03-14T09:00:01.500Z")
            ),
        ]
    }

    /// Every closed vocabulary, by Swift type name, with its raw values.
    static let vocabularies: [String: [String]] = [
        "ResultStatus": rawValues(ResultStatus.self),
        "TestKind": rawValues(TestKind.self),
        "SpecimenType": rawValues(SpecimenType.self),
        "AssayTarget": rawValues(AssayTarget.self),
        "Interpretation": rawValues(Interpretation.self),
        "ReceiptOutcome": rawValues(ReceiptOutcome.self),
        "VenueKind": rawValues(VenueKind.self),
        "CheckInSource": rawValues(CheckInSource.self),
        "RelationKind": rawValues(RelationKind.self),
        "RelationSource": rawValues(RelationSource.self),
        "ClinicalSeverity": rawValues(ClinicalSeverity.self),
        "CaseSeverity": rawValues(CaseSeverity.self),
        "CaseClassification": rawValues(CaseClassification.self),
        "ExposureRoute": rawValues(ExposureRoute.self),
        "ContactTier": rawValues(ContactTier.self),
        "ContactClearance": rawValues(ContactClearance.self),
        "RetestReason": rawValues(RetestReason.self),
        "AssignmentPurpose": rawValues(AssignmentPurpose.self),
        "FacilityKind": rawValues(FacilityKind.self),
        "UnitType": rawValues(UnitType.self),
        "ReleaseReason": rawValues(ReleaseReason.self),
        "ThresholdDirection": rawValues(ThresholdDirection.self),
        "AlertKind": rawValues(AlertKind.self),
        "AlertSeverity": rawValues(AlertSeverity.self),
        "AlertAudience": rawValues(AlertAudience.self),
        "RiskLevel": rawValues(RiskLevel.self),
        "DeliveryOutcome": rawValues(DeliveryOutcome.self),
        "DeliveryChannel": rawValues(DeliveryChannel.self),
    ]

    private static func rawValues<E: ClosedStringEnum>(_: E.Type) -> [String] {
        E.allCases.map(\.rawValue)
    }

    private static func date(_ text: String) -> Date {
        guard let date = EventTimestamp.date(from: text) else {
            preconditionFailure("sample date literal is malformed: \(text)")
        }
        return date
    }
}
