public import FangyiEvents
public import FangyiService
public import Foundation
public import Logging

/// Inventory changes from the seed file and the admin API. Each runs in one transaction that
/// also serves the waitlist from units it opened, moves people out of a facility being stood
/// down, and publishes the capacity it leaves.
///
/// Concurrency: `Sendable`; immutable.
public struct InventoryAdmin: Sendable {
    let database: Database
    let relay: OutboxRelay?
    let policy: AllocationPolicy
    let metrics: AllocatorMetrics
    let logger: Logger

    /// Creates the admin.
    public init(database: Database, relay: OutboxRelay?, policy: AllocationPolicy, metrics: AllocatorMetrics, logger: Logger) {
        self.database = database
        self.relay = relay
        self.policy = policy
        self.metrics = metrics
        self.logger = logger
    }

    /// An operator's request the inventory cannot take (see ``problem``).
    public struct Refusal: Error, Sendable {
        /// 404 or 409.
        public let status: Int
        /// A stable code.
        public let code: String
        /// What and why.
        public let message: String
    }

    private func change<R: Sendable>(_ cause: String, kinds: Set<FacilityKind> = [],
                                     _ body: (AllocatorStore, AllocationRun) async throws -> R) async throws -> R {
        do {
            return try await AllocationRun.perform(on: database, relay: relay, policy: policy, metrics: metrics, logger: logger,
                                                   now: Date(), cause: cause) { run in
                let result = try await body(run.store, run)
                try await run.serve([], kinds: kinds)
                return result
            }
        } catch let conflict as InventoryConflict {
            throw Refusal(status: 409, code: conflict.code, message: conflict.message)
        }
    }

    /// Loads the seed: areas are created or updated; facilities not yet in the database are
    /// added with their units; facilities already there are left as operators changed them.
    /// Returns the ids added.
    @discardableResult
    public func seed(_ inventory: Inventory) async throws -> [String] {
        try await change("seed", kinds: Set(inventory.facilities.map(\.kind))) { store, run in
            try await store.upsertAreas(inventory.areas)
            var added: [String] = []
            for facility in inventory.facilities {
                guard try await store.insertFacility(facility, defaultLead: policy.defaultActivationLead) else { continue }
                added.append(facility.id)
                for (type, count) in facility.units where count > 0 { run.touch(PoolKey(facilityId: facility.id, unitType: type)) }
            }
            run.reloadFacilities()
            return added
        }
    }

    /// Adds one facility; 409 when the id exists.
    public func add(_ facility: FacilitySpec) async throws {
        try await change("add:\(facility.id)", kinds: [facility.kind]) { store, run in
            guard try await store.insertFacility(facility, defaultLead: policy.defaultActivationLead) else {
                throw InventoryConflict(code: "facility.exists", message: "a facility with id \(facility.id) exists")
            }
            for (type, count) in facility.units where count > 0 { run.touch(PoolKey(facilityId: facility.id, unitType: type)) }
            run.reloadFacilities()
        }
    }

    /// Sets a facility's number of units of a type (never below the occupied count).
    public func setCapacity(facilityId: String, unitType: UnitType, total: Int) async throws {
        let kind = try await facilityKind(facilityId)
        try await change("capacity:\(facilityId):\(unitType.rawValue):\(total)", kinds: [kind]) { store, run in
            _ = try await store.setCapacity(facilityId: facilityId, type: unitType, total: total)
            run.touch(PoolKey(facilityId: facilityId, unitType: unitType))
        }
    }

    /// Takes a unit out of service (`cleaning`, `closed`) or back (`inService`).
    public func setUnitStatus(facilityId: String, unitId: String, status: String) async throws {
        guard ["inService", "cleaning", "closed"].contains(status) else {
            throw Refusal(status: 400, code: "unit.invalid_status", message: "status must be inService, cleaning or closed")
        }
        let kind = try await facilityKind(facilityId)
        try await change("unit:\(facilityId):\(unitId):\(status)", kinds: [kind]) { store, run in
            guard let type = try await store.setUnitStatus(facilityId: facilityId, unitId: unitId, status: status) else {
                throw Refusal(status: 404, code: "unit.not_found", message: "no unit \(unitId) at \(facilityId)")
            }
            run.touch(PoolKey(facilityId: facilityId, unitType: type))
        }
    }

    /// Activates a standby facility: ready after its lead time, or now when `immediately`.
    /// Returns when it is (or will be) ready.
    public func activate(facilityId: String, immediately: Bool) async throws -> Date {
        let kind = try await facilityKind(facilityId)
        return try await change("activate:\(facilityId)", kinds: [kind]) { store, run in
            guard let facility = try await run.facilityRecords()[facilityId] else {
                throw Refusal(status: 404, code: "facility.not_found", message: "no facility \(facilityId)")
            }
            let readyAt = immediately ? run.now : run.now.addingTimeInterval(Double(facility.activationLead.components.seconds))
            guard try await store.activate(facilityId, readyAt: readyAt, now: run.now) else {
                throw InventoryConflict(code: "facility.not_standby", message: "\(facilityId) is \(facility.status.rawValue), not on standby")
            }
            let counts = try await store.unitCounts(facilityId: facilityId)
            try run.publish(StandbyActivated(facilityId: facilityId, facilityKind: facility.kind, areaCode: facility.areaCode,
                                             units: counts.values.reduce(0, +), activatedAt: run.now, readyAt: readyAt,
                                             reason: "activated by an operator"),
                            id: AllocatorIdentity.eventID(StandbyActivated.self, facilityId, "operator", "\(run.now.timeIntervalSince1970)"),
                            cause: nil)
            run.reloadFacilities()
            for type in counts.keys { run.touch(PoolKey(facilityId: facilityId, unitType: type)) }
            return readyAt
        }
    }

    /// Stands a facility down: nobody new is assigned there; its occupants are moved to other
    /// facilities as units are free (the rest keep their unit, first in line), and it returns
    /// to standby once empty. Returns how many people are still to move.
    public func standDown(facilityId: String) async throws -> Int {
        let kind = try await facilityKind(facilityId)
        return try await change("stand-down:\(facilityId)", kinds: [kind]) { store, run in
            // Waits for every transaction taking units here, so their occupants are seen below.
            try await store.lockFacility(facilityId)
            guard try await store.setFacilityStatus(facilityId, to: .closing, from: [.active, .activating]) else {
                throw InventoryConflict(code: "facility.not_active", message: "\(facilityId) is not active")
            }
            run.reloadFacilities()
            let occupants = try await store.occupants(ofFacility: facilityId)
            try await run.reconcile(subjects: occupants) { "stand-down:\(facilityId):\($0):\(run.now.timeIntervalSince1970)" }
            let left = try await store.occupants(ofFacility: facilityId).count
            if left == 0 { _ = try await store.setFacilityStatus(facilityId, to: .standby, from: [.closing]) }
            for type in try await store.unitCounts(facilityId: facilityId).keys { run.touch(PoolKey(facilityId: facilityId, unitType: type)) }
            return left
        }
    }

    private func facilityKind(_ id: String) async throws -> FacilityKind {
        let kind = try await database.withConnection { connection in
            try await AllocatorStore(connection: connection, logger: logger).facilities()[id]?.kind
        }
        guard let kind else { throw Refusal(status: 404, code: "facility.not_found", message: "no facility \(id)") }
        return kind
    }
}
