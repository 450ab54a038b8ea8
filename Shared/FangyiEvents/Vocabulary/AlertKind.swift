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
    /// A new close or secondary contact for the grid workers to find, with the deadline.
    case contactIdentified
    /// A contact's follow-up deadline passed without the person being placed or cleared.
    case followUpOverdue
    /// People are waiting for a bed or room of one kind in an area, and the queue grew.
    case waitlistGrowing
    /// A pooled sample tested positive: its members must be retested one by one.
    case poolPositive
    /// Many alerts of one kind for one area in a short window, summarised as one with counts.
    case digest
}
