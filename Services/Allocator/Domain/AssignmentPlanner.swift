public import FangyiEvents
public import Foundation

/// A unit a person holds now (an active assignment).
public struct HeldUnit: Sendable, Hashable {
    public var assignmentId: String
    public var purpose: AssignmentPurpose
    public var facilityId: String
    public var facilityKind: FacilityKind
    public var unitId: String
    public var unitType: UnitType
    public var ventilator: Bool
    public var expectedEnd: Date?
    /// The facility is being stood down: the person is moved out as soon as a unit elsewhere is free.
    public var facilityClosing: Bool

    /// Creates a held unit.
    public init(assignmentId: String, purpose: AssignmentPurpose, facilityId: String, facilityKind: FacilityKind,
                unitId: String, unitType: UnitType, ventilator: Bool, expectedEnd: Date?, facilityClosing: Bool = false) {
        self.assignmentId = assignmentId
        self.purpose = purpose
        self.facilityId = facilityId
        self.facilityKind = facilityKind
        self.unitId = unitId
        self.unitType = unitType
        self.ventilator = ventilator
        self.expectedEnd = expectedEnd
        self.facilityClosing = facilityClosing
    }

    /// Whether the unit serves `need` (a unit in a closing facility serves nobody for long).
    public func serves(_ need: Need) -> Bool {
        !facilityClosing && need.purpose == purpose && need.isServed(by: facilityKind, unitType, ventilator: ventilator)
    }
}

/// A person's place on the waitlist.
public struct WaitingRequest: Sendable, Hashable {
    /// The id the assignment will have.
    public var assignmentId: String
    /// What is asked for.
    public var need: Need
    /// The unit the person keeps until this request is served, if any.
    public var replacesAssignmentId: String?

    /// Creates a waiting request.
    public init(assignmentId: String, need: Need, replacesAssignmentId: String?) {
        self.assignmentId = assignmentId
        self.need = need
        self.replacesAssignmentId = replacesAssignmentId
    }
}

/// One change the planner asks for.
public enum PlanStep: Sendable, Hashable {
    /// Give the unit back.
    case release(HeldUnit, ReleaseReason)
    /// Leave the waitlist.
    case cancelWait(WaitingRequest)
    /// Find a unit for `need`; `replacing` is held until then and released in the same step.
    case request(Need, replacing: HeldUnit?)
    /// The held unit is still right, but the quarantine now ends at another time.
    case reschedule(HeldUnit, Date)
}

/// Compares what a person needs with what they hold and wait for, and says what to change.
/// Pure: the caller executes the steps (see `AllocationRun`).
///
/// - A held unit that still serves its need is kept (quarantine end times follow the need).
/// - A held unit that no longer serves (fangcang bed, now critical) is replaced by a request
///   that keeps it until the new unit is found: the person is never left without a bed.
/// - A held unit whose purpose ended is released: recovered, quarantine completed, or
///   cancelled; except that it is kept as the `replacing` unit of a request for another
///   purpose (a contact who became a case keeps the room until the bed is assigned, then both
///   happen in one step; a person who no longer needs care keeps the care bed until a
///   quarantine room is found).
/// - A waitlist entry for something no longer needed is cancelled; one for the same units is kept.
public enum AssignmentPlanner {
    /// The steps for one person. `needs` comes from ``AllocationPolicy/needs(of:now:)``.
    public static func plan(needs: [Need], held: [HeldUnit], waiting: [WaitingRequest], quarantineCompleted: Bool) -> [PlanStep] {
        var steps: [PlanStep] = []
        var handedOver = Set<String>()
        let purposes: [AssignmentPurpose] = [.treatment, .care, .quarantine]
        for purpose in purposes {
            let need = needs.first { $0.purpose == purpose }
            let unit = held.first { $0.purpose == purpose }
            let wait = waiting.first { $0.need.purpose == purpose }
            guard let need else {
                if let wait { steps.append(.cancelWait(wait)) }
                continue
            }
            if let unit, unit.serves(need) {
                if let wait { steps.append(.cancelWait(wait)) }
                // Stored times have microsecond precision; a difference below a millisecond is no change.
                if let end = need.expectedEnd, abs(end.timeIntervalSince(unit.expectedEnd ?? .distantPast)) >= 0.001 {
                    steps.append(.reschedule(unit, end))
                }
                continue
            }
            // The unit to keep until the new one is found: this purpose's own, or one whose purpose
            // ended (quarantine to treatment, care back to quarantine): nobody is left without one.
            let replacing = unit ?? held.first { other in
                !handedOver.contains(other.assignmentId) && other.purpose != purpose && !needs.contains { $0.purpose == other.purpose }
            }
            if let replacing { handedOver.insert(replacing.assignmentId) }
            if let wait, wait.need.asksForSameUnits(as: need), wait.replacesAssignmentId == replacing?.assignmentId { continue }
            if let wait { steps.append(.cancelWait(wait)) }
            steps.append(.request(need, replacing: replacing))
        }
        for unit in held where !handedOver.contains(unit.assignmentId) && !needs.contains(where: { $0.purpose == unit.purpose }) {
            let reason: ReleaseReason = switch unit.purpose {
            case .treatment: .recovered
            case .quarantine, .care: quarantineCompleted ? .quarantineCompleted : .cancelled
            }
            steps.append(.release(unit, reason))
        }
        return steps
    }
}
