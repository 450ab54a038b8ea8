public import FangyiEvents

/// Free units of one type at one facility, as counted at the start of matching.
public struct FreePool: Sendable, Hashable {
    public var facilityId: String
    public var facilityKind: FacilityKind
    public var areaCode: String
    public var unitType: UnitType
    /// Free in-service units.
    public var free: Int
    /// Ventilators not in use at the facility (shared by its pools).
    public var ventilatorsFree: Int

    /// Creates a pool.
    public init(facilityId: String, facilityKind: FacilityKind, areaCode: String, unitType: UnitType, free: Int, ventilatorsFree: Int) {
        self.facilityId = facilityId
        self.facilityKind = facilityKind
        self.areaCode = areaCode
        self.unitType = unitType
        self.free = free
        self.ventilatorsFree = ventilatorsFree
    }
}

/// One request to match: a need, the person's area, and their priority.
public struct MatchRequest: Sendable, Hashable {
    /// The caller's handle for the request.
    public var id: String
    public var need: Need
    public var areaCode: String
    public var priority: Priority

    /// Creates a request.
    public init(id: String, need: Need, areaCode: String, priority: Priority) {
        self.id = id
        self.need = need
        self.areaCode = areaCode
        self.priority = priority
    }
}

/// Where a matched request goes.
public struct MatchPlacement: Sendable, Hashable {
    public var requestId: String
    public var facilityId: String
    public var unitType: UnitType
    /// Hops from the person's area to the facility's (0: own area).
    public var hops: Int
}

/// Matches requests to free units: in priority order, each request takes a unit of the best
/// type it accepts at the nearest facility (own area, then by hops over the area map, then
/// areas not connected to it, unless the policy limits hops), ties by facility id. Greedy by
/// priority is the rule when units are short: nobody is passed over for someone with a lower
/// priority who happens to fit better. Pure and deterministic.
public struct UnitMatcher: Sendable {
    let areas: AreaMap
    let maximumHops: Int?
    /// Hops used for areas not connected to the person's.
    static let unconnected = 1_000

    /// A matcher over `areas`.
    public init(areas: AreaMap, maximumHops: Int?) {
        self.areas = areas
        self.maximumHops = maximumHops
    }

    /// Places what it can; returns the placements (in priority order) and the requests left
    /// over (in priority order). `pools` are consumed as they are used.
    public func match(_ requests: [MatchRequest], pools: [FreePool]) -> (placed: [MatchPlacement], unplaced: [MatchRequest]) {
        var free = pools
        var ventilators: [String: Int] = [:]
        for pool in pools { ventilators[pool.facilityId] = pool.ventilatorsFree }
        var distanceCache: [String: [String: Int]] = [:]
        var placed: [MatchPlacement] = []
        var unplaced: [MatchRequest] = []
        for request in requests.sorted(by: { $0.priority < $1.priority }) {
            let distances = distanceCache[request.areaCode] ?? areas.distances(from: request.areaCode)
            distanceCache[request.areaCode] = distances
            var best: (index: Int, key: (Int, Int, String))? = nil
            for (index, pool) in free.enumerated() where pool.free > 0 && pool.facilityKind == request.need.facilityKind {
                guard let typeRank = request.need.unitTypes.firstIndex(of: pool.unitType) else { continue }
                if request.need.ventilator, ventilators[pool.facilityId, default: 0] < 1 { continue }
                let hops = distances[pool.areaCode] ?? Self.unconnected
                if let maximumHops, hops > maximumHops { continue }
                let key = (hops, typeRank, pool.facilityId)
                if best.map({ key < $0.key }) ?? true { best = (index, key) }
            }
            guard let best else {
                unplaced.append(request)
                continue
            }
            free[best.index].free -= 1
            if request.need.ventilator { ventilators[free[best.index].facilityId, default: 0] -= 1 }
            placed.append(MatchPlacement(requestId: request.id, facilityId: free[best.index].facilityId,
                                         unitType: free[best.index].unitType, hops: best.key.0))
        }
        return (placed, unplaced)
    }
}
