import FangyiEvents
import Foundation

/// A facility row as the engine and the API read it.
struct FacilityRecord: Sendable, Equatable {
    var id: String
    var name: String
    var kind: FacilityKind
    var areaCode: String
    var status: FacilityStatus
    var activationLead: Duration
    var readyAt: Date?
    var ventilators: Int
    var ventilatorsInUse: Int
    var ecmo: Int
}

/// A waitlist row: the request, the person's area and priority, and the unit kept meanwhile.
struct WaitlistRecord: Sendable, Equatable {
    var request: WaitingRequest
    var subjectRef: String
    var areaCode: String
    var priority: Priority
    var waitlistedAt: Date
}

/// A new assignment, ready to be written.
struct AssignmentRecord: Sendable, Equatable {
    var assignmentId: String
    var subjectRef: String
    var need: Need
    var facility: FacilityRecord
    var unitId: String
    var unitType: UnitType
    var areaCode: String
    var assignedAt: Date
    var previous: HeldUnit?
    var policyVersion: String

    var held: HeldUnit {
        HeldUnit(assignmentId: assignmentId, purpose: need.purpose, facilityId: facility.id, facilityKind: facility.kind,
                 unitId: unitId, unitType: unitType, ventilator: need.ventilator, expectedEnd: need.expectedEnd)
    }
}

/// Counts of one pool (facility and unit type) for capacity events and the report.
struct PoolCounts: Sendable, Equatable, Hashable {
    var facilityId: String
    var unitType: UnitType
    var total: Int
    var occupied: Int
    var outOfService: Int
    /// The highest threshold held as crossed (0: none).
    var level: Int = 0
    var inService: Int { total - outOfService }
    var free: Int { max(0, inService - occupied) }
}

/// One entry of a person's decision history.
struct DecisionRecord: Sendable, Equatable, Encodable {
    var subjectRef: String
    var decidedAt: Date
    var decision: String
    var assignmentId: String
    var facilityId: String?
    var unitId: String?
    var policyVersion: String
    var reason: String
    var cause: String
}

/// A facility and unit type, the key of a capacity pool.
struct PoolKey: Sendable, Hashable, Comparable {
    var facilityId: String
    var unitType: UnitType

    static func < (lhs: PoolKey, rhs: PoolKey) -> Bool {
        (lhs.facilityId, lhs.unitType.rawValue) < (rhs.facilityId, rhs.unitType.rawValue)
    }
}
