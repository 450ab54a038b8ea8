public import FangyiEvents
import Foundation

/// The names of the shared vocabulary in both languages, for alert texts.
public protocol LocalizedName {
    /// The name in Chinese and English.
    var localized: LocalizedText { get }
}

extension CaseClassification: LocalizedName {
    public var localized: LocalizedText {
        switch self {
        case .confirmed: LocalizedText(zh: "确诊病例", en: "confirmed case")
        case .asymptomatic: LocalizedText(zh: "无症状感染者", en: "asymptomatic infection")
        case .suspected: LocalizedText(zh: "疑似病例", en: "suspected case")
        }
    }
}

extension CaseSeverity: LocalizedName {
    public var localized: LocalizedText {
        switch self {
        case .unassessed: LocalizedText(zh: "待评估", en: "not yet assessed")
        case .asymptomatic: LocalizedText(zh: "无症状", en: "asymptomatic")
        case .mild: LocalizedText(zh: "轻型", en: "mild")
        case .moderate: LocalizedText(zh: "普通型", en: "moderate")
        case .severe: LocalizedText(zh: "重型", en: "severe")
        case .critical: LocalizedText(zh: "危重型", en: "critical")
        }
    }
}

extension RiskLevel: LocalizedName {
    public var localized: LocalizedText {
        switch self {
        case .low: LocalizedText(zh: "低风险", en: "low")
        case .medium: LocalizedText(zh: "中风险", en: "medium")
        case .high: LocalizedText(zh: "高风险", en: "high")
        }
    }
}

extension ContactTier: LocalizedName {
    public var localized: LocalizedText {
        switch self {
        case .close: LocalizedText(zh: "密切接触者", en: "close contact")
        case .secondary: LocalizedText(zh: "次密切接触者", en: "secondary close contact")
        case .companion: LocalizedText(zh: "陪护人员", en: "companion")
        }
    }
}

extension UnitType: LocalizedName {
    public var localized: LocalizedText {
        switch self {
        case .generalBed: LocalizedText(zh: "普通床位", en: "general beds")
        case .icuBed: LocalizedText(zh: "ICU床位", en: "ICU beds")
        case .negativePressureBed: LocalizedText(zh: "负压病床", en: "negative-pressure beds")
        case .quarantineSingleRoom: LocalizedText(zh: "隔离单间", en: "single quarantine rooms")
        case .familyRoom: LocalizedText(zh: "家庭隔离房", en: "family rooms")
        }
    }
}

extension FacilityKind: LocalizedName {
    public var localized: LocalizedText {
        switch self {
        case .designatedHospital: LocalizedText(zh: "定点医院", en: "designated hospital")
        case .fangcang: LocalizedText(zh: "方舱医院", en: "makeshift (fangcang) hospital")
        case .quarantineSite: LocalizedText(zh: "集中隔离点", en: "quarantine site")
        case .yellowCodeHospital: LocalizedText(zh: "黄码医院", en: "yellow-code hospital")
        }
    }
}

extension RetestReason: LocalizedName {
    public var localized: LocalizedText {
        switch self {
        case .poolPositive: LocalizedText(zh: "混管阳性", en: "a positive pooled sample")
        case .inconclusive: LocalizedText(zh: "结果不确定", en: "an inconclusive result")
        case .suspiciousPositive: LocalizedText(zh: "疑似阳性", en: "a suspected positive")
        case .releaseTest: LocalizedText(zh: "解除隔离检测", en: "the release test")
        }
    }
}

extension AlertKind: LocalizedName {
    public var localized: LocalizedText {
        switch self {
        case .riskLevelChanged: LocalizedText(zh: "风险等级调整", en: "risk level changes")
        case .caseReported: LocalizedText(zh: "新增病例", en: "new cases")
        case .clusterDetected: LocalizedText(zh: "聚集性疫情", en: "clusters")
        case .chainLinked: LocalizedText(zh: "传播链关联", en: "chain links")
        case .capacityLow: LocalizedText(zh: "床位紧张", en: "capacity warnings")
        case .standbyActivated: LocalizedText(zh: "启用备用设施", en: "standby activations")
        case .tracingBehind: LocalizedText(zh: "流调滞后", en: "tracing delays")
        case .missedPeriodicTest: LocalizedText(zh: "漏检", en: "missed periodic tests")
        case .quarantineOrder: LocalizedText(zh: "隔离通知", en: "quarantine orders")
        case .retestOrder: LocalizedText(zh: "复检通知", en: "retest orders")
        case .assignmentNotice: LocalizedText(zh: "转运接收通知", en: "admission notices")
        case .releaseNotice: LocalizedText(zh: "解除隔离通知", en: "release notices")
        case .contactIdentified: LocalizedText(zh: "新增密接待排查", en: "new contacts to follow up")
        case .followUpOverdue: LocalizedText(zh: "密接管控超时", en: "overdue follow-ups")
        case .waitlistGrowing: LocalizedText(zh: "排队等待增加", en: "growing waitlists")
        case .poolPositive: LocalizedText(zh: "混管阳性", en: "positive pools")
        case .digest: LocalizedText(zh: "汇总", en: "digests")
        }
    }
}
