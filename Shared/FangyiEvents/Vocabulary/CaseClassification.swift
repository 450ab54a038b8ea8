/// The kind of case (病例分类).
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum CaseClassification: String, ClosedStringEnum {
    /// Confirmed case (确诊病例).
    case confirmed
    /// Asymptomatic infection (无症状感染者).
    case asymptomatic
    /// Suspected case (疑似病例).
    case suspected
}
