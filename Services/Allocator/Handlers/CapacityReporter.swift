import FangyiEvents
import FangyiService
import Foundation

/// Publishes the capacity a run left behind: `CapacityChanged` per changed pool,
/// `CapacityThresholdCrossed` when a pool's occupancy crosses a policy threshold (with
/// hysteresis), and, when the quarantine rooms of an area cross the standby threshold,
/// activates the nearest standby quarantine site (`StandbyActivated`).
///
/// Concurrency: `Sendable`; holds only the policy.
struct CapacityReporter: Sendable {
    let policy: AllocationPolicy

    /// Publishes the pools' capacity; returns whether a standby site opened at once (lead
    /// time 0), so the caller serves the waitlist from it.
    /// `waitlistedAreas` adds areas where people were put on the quarantine waitlist (an area
    /// with no open site touches no pool, but must still activate standby capacity).
    func publish(_ pools: Set<PoolKey>, run: AllocationRun, cause: Cause?, waitlistedAreas: Set<String> = []) async throws -> Bool {
        let store = run.store
        let counts = try await store.poolCounts(pools)
        let facilities = try await run.facilityRecords()
        let waitlists = try await store.waitlistLengths()
        var changedLevels: [PoolKey: Int] = [:]
        let tag = cause?.id ?? "at:\(run.now.timeIntervalSince1970)"
        var quarantineAreas = waitlistedAreas
        for count in counts {
            guard let facility = facilities[count.facilityId] else { continue }
            let key = PoolKey(facilityId: count.facilityId, unitType: count.unitType)
            let waitlist = waitlists[facility.kind] ?? 0
            try run.publish(CapacityChanged(
                facilityId: facility.id, facilityKind: facility.kind, areaCode: facility.areaCode, unitType: count.unitType,
                total: count.total, occupied: count.occupied, free: count.free, outOfService: count.outOfService,
                waitlist: waitlist, changedAt: run.now),
                id: AllocatorIdentity.eventID(CapacityChanged.self, facility.id, count.unitType.rawValue, tag,
                                              "\(count.total)/\(count.occupied)/\(count.outOfService)/\(waitlist)"),
                cause: cause)
            let occupancy = ThresholdLevel.occupancyPercent(occupied: count.occupied, inService: count.inService)
            let (level, crossings) = ThresholdLevel.next(level: count.level, occupancy: occupancy,
                                                          thresholds: policy.thresholds, hysteresis: policy.hysteresisPoints)
            for crossing in crossings {
                try run.publish(CapacityThresholdCrossed(
                    facilityId: facility.id, facilityKind: facility.kind, areaCode: facility.areaCode, unitType: count.unitType,
                    thresholdPercent: crossing.threshold, direction: crossing.direction, occupancyPercent: occupancy,
                    free: count.free, total: count.total, crossedAt: run.now),
                    id: AllocatorIdentity.eventID(CapacityThresholdCrossed.self, facility.id, count.unitType.rawValue, tag,
                                                  "\(crossing.threshold)", crossing.direction.rawValue),
                    cause: cause)
                run.metrics.thresholdCrossings.increment()
            }
            if level != count.level { changedLevels[key] = level }
            if facility.kind == .quarantineSite { quarantineAreas.insert(facility.areaCode) }
        }
        try await store.saveLevels(changedLevels)
        return try await checkStandby(areas: quarantineAreas.sorted(), run: run, cause: cause, tag: tag)
    }

    /// The standby level an area's quarantine load moves to from `level` (an area with no
    /// open room and people waiting counts as full).
    private func standbyLevel(from level: Int, load: (inService: Int, occupied: Int, waiting: Int))
        -> (level: Int, occupancy: Double, up: Bool)
    {
        var occupancy = ThresholdLevel.occupancyPercent(occupied: load.occupied, inService: load.inService)
        if load.waiting > 0 && load.inService <= load.occupied { occupancy = 100 }
        let (next, crossings) = ThresholdLevel.next(level: level, occupancy: occupancy, thresholds: [policy.standbyActivationPercent],
                                                    hysteresis: policy.hysteresisPoints)
        return (next, occupancy, crossings.contains { $0.direction == .up })
    }

    /// Checks the areas' quarantine load against the standby threshold; the areas whose level
    /// moves are locked and checked again, so two instances never both act on one crossing.
    /// Returns whether a site opened at once.
    func checkStandby(areas: [String], run: AllocationRun, cause: Cause?, tag: String) async throws -> Bool {
        guard !areas.isEmpty else { return false }
        let store = run.store
        let loads = try await store.quarantineLoad(areas: areas)
        let levels = try await store.areaLevels(areas, lock: false)
        let moving = areas.filter { area in
            guard let load = loads[area] else { return false }
            return standbyLevel(from: levels[area] ?? 0, load: load).level != (levels[area] ?? 0)
        }
        guard !moving.isEmpty else { return false }
        let locked = try await store.areaLevels(moving, lock: true)
        var opened = false
        for area in moving {
            guard let load = loads[area] else { continue }
            let level = locked[area] ?? 0
            let next = standbyLevel(from: level, load: load)
            if next.level != level { try await store.saveAreaLevel(area, level: next.level) }
            if next.up { opened = try await activateNearest(area: area, occupancy: next.occupancy, run: run, cause: cause, tag: tag) || opened }
        }
        return opened
    }

    /// Activates the nearest standby quarantine site for `area`; returns whether it opened at once.
    private func activateNearest(area: String, occupancy: Double, run: AllocationRun, cause: Cause?, tag: String) async throws -> Bool {
        let store = run.store
        let distances = try await run.areas().distances(from: area)
        let standby = try await run.facilityRecords().values
            .filter { $0.kind == .quarantineSite && $0.status == .standby }
            .sorted { (distances[$0.areaCode] ?? UnitMatcher.unconnected, $0.id) < (distances[$1.areaCode] ?? UnitMatcher.unconnected, $1.id) }
        for site in standby {
            let readyAt = run.now.addingTimeInterval(Double(site.activationLead.components.seconds))
            guard try await store.activate(site.id, readyAt: readyAt, now: run.now) else { continue }
            let counts = try await store.unitCounts(facilityId: site.id)
            let units = counts.values.reduce(0, +)
            let reason = "quarantine rooms in area \(area) reached \(Int(occupancy.rounded()))% "
                + "(standby threshold \(policy.standbyActivationPercent)%); nearest standby site"
            try run.publish(StandbyActivated(facilityId: site.id, facilityKind: site.kind, areaCode: site.areaCode, units: units,
                                             activatedAt: run.now, readyAt: readyAt, reason: reason),
                            id: AllocatorIdentity.eventID(StandbyActivated.self, site.id, tag), cause: cause)
            run.metrics.standbyActivations.increment()
            run.reloadFacilities()
            if readyAt <= run.now {
                for type in counts.keys { run.touch(PoolKey(facilityId: site.id, unitType: type)) }
                return true
            }
            return false
        }
        return false
    }
}
