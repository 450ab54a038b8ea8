/// What an alert is about.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum AlertKind: String, ClosedStringEnum {
    /// An area's risk level changed.
    case riskLevelChanged
    /// A new case was opened.
    case caseReported
    /// A cluster was detected.
    case clusterDetected
    /// A case was linked into a transmission chain.
    case chainLinked
    /// A facility is running out of beds or rooms.
    case capacityLow
    /// Standby capacity was opened.
    case standbyActivated
    /// Follow-up of today's high-risk list is behind schedule.
    case tracingBehind
    /// A key-population member missed a periodic test.
    case missedPeriodicTest
    /// A person must go into quarantine.
    case quarantineOrder
    /// A person must take a retest.
    case retestOrder
    /// A facility must receive a person.
    case assignmentNotice
    /// A person is released.
    case releaseNotice
}
