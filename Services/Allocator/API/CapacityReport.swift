import FangyiEvents
import Foundation

/// `GET /v1/capacity`: what public-health bed reporting asks for (beds, ICU beds,
/// occupancy, ventilators in use, quarantine rooms), per facility kind and unit type, and per
/// facility; plus the waitlist and the quarantines past their end still waiting for a test.
struct CapacityReport: Sendable, Encodable {
    struct Totals: Sendable, Encodable {
        var hospitalBeds = 0
        var hospitalBedsOccupied = 0
        var icuBeds = 0
        var icuBedsOccupied = 0
        var ventilators = 0
        var ventilatorsInUse = 0
        var ecmo = 0
        var quarantineRooms = 0
        var quarantineRoomsOccupied = 0
        var hospitalOccupancyPercent = 0.0
        var quarantineOccupancyPercent = 0.0
    }
    struct Pool: Sendable, Encodable {
        let facilityKind: String
        let unitType: String
        var total = 0
        var occupied = 0
        var free = 0
        var outOfService = 0
        var occupancyPercent = 0.0
    }
    struct Facility: Sendable, Encodable {
        let facilityId: String
        let name: String
        let kind: String
        let areaCode: String
        let status: String
        let readyAt: Date?
        let ventilators: Int
        let ventilatorsInUse: Int
        let ecmo: Int
        let units: [Pool]
    }
    let asOf: Date
    let totals: Totals
    let pools: [Pool]
    let facilities: [Facility]
    let waitlist: [String: Int]
    let quarantinesAwaitingReleaseTest: Int

    /// Builds the report. Only active facilities count toward totals; standby ones are listed.
    init(asOf: Date, facilities: [FacilityRecord], counts: [PoolCounts], waitlist: [FacilityKind: Int], awaitingTest: Int) {
        var totals = Totals()
        var pools: [String: Pool] = [:]
        var perFacility: [String: [Pool]] = [:]
        let byId = Dictionary(uniqueKeysWithValues: facilities.map { ($0.id, $0) })
        for count in counts {
            guard let facility = byId[count.facilityId] else { continue }
            let percent = ThresholdLevel.occupancyPercent(occupied: count.occupied, inService: count.inService)
            perFacility[facility.id, default: []].append(Pool(
                facilityKind: facility.kind.rawValue, unitType: count.unitType.rawValue, total: count.total,
                occupied: count.occupied, free: count.free, outOfService: count.outOfService, occupancyPercent: percent))
            guard facility.status == .active || facility.status == .closing else { continue }
            let key = "\(facility.kind.rawValue)|\(count.unitType.rawValue)"
            var pool = pools[key] ?? Pool(facilityKind: facility.kind.rawValue, unitType: count.unitType.rawValue)
            pool.total += count.total
            pool.occupied += count.occupied
            pool.free += count.free
            pool.outOfService += count.outOfService
            pool.occupancyPercent = ThresholdLevel.occupancyPercent(occupied: pool.occupied, inService: pool.total - pool.outOfService)
            pools[key] = pool
            switch facility.kind {
            case .quarantineSite:
                totals.quarantineRooms += count.total
                totals.quarantineRoomsOccupied += count.occupied
            case .designatedHospital, .fangcang, .yellowCodeHospital:
                totals.hospitalBeds += count.total
                totals.hospitalBedsOccupied += count.occupied
                if count.unitType == .icuBed {
                    totals.icuBeds += count.total
                    totals.icuBedsOccupied += count.occupied
                }
            }
        }
        for facility in facilities where facility.status == .active || facility.status == .closing {
            totals.ventilators += facility.ventilators
            totals.ventilatorsInUse += facility.ventilatorsInUse
            totals.ecmo += facility.ecmo
        }
        totals.hospitalOccupancyPercent = ThresholdLevel.occupancyPercent(occupied: totals.hospitalBedsOccupied, inService: totals.hospitalBeds)
        totals.quarantineOccupancyPercent = ThresholdLevel.occupancyPercent(occupied: totals.quarantineRoomsOccupied, inService: totals.quarantineRooms)
        self.asOf = asOf
        self.totals = totals
        self.pools = pools.keys.sorted().compactMap { pools[$0] }
        self.facilities = facilities.sorted { $0.id < $1.id }.map { facility in
            Facility(facilityId: facility.id, name: facility.name, kind: facility.kind.rawValue, areaCode: facility.areaCode,
                     status: facility.status.rawValue, readyAt: facility.readyAt, ventilators: facility.ventilators,
                     ventilatorsInUse: facility.ventilatorsInUse, ecmo: facility.ecmo, units: perFacility[facility.id] ?? [])
        }
        self.waitlist = Dictionary(uniqueKeysWithValues: waitlist.map { ($0.key.rawValue, $0.value) })
        self.quarantinesAwaitingReleaseTest = awaitingTest
    }
}

extension AllocatorStore {
    /// The capacity report as of `now`.
    func capacityReport(now: Date, policy: AllocationPolicy) async throws -> CapacityReport {
        CapacityReport(asOf: now, facilities: Array(try await facilities().values), counts: try await poolCounts(nil),
                       waitlist: try await waitlistLengths(),
                       awaitingTest: try await quarantinesAwaitingTest(now: now, window: policy.releaseTestWindow))
    }
}
