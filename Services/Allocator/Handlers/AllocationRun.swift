import FangyiEvents
import FangyiService
import Foundation
import Logging

/// What caused a change: the consumed event (for causation headers) or a schedule or
/// operator action, named so that ids derived from it are stable.
struct Cause: Sendable {
    let id: String
    let event: InboundEvent?

    init(event: InboundEvent) {
        self.id = event.id
        self.event = event
    }

    init(id: String) {
        self.id = id
        self.event = nil
    }
}

/// Executes allocation decisions inside one transaction: reconciles persons (what they need
/// against what they hold and wait for), serves requests and the waitlist from free units,
/// releases, and publishes every change and the capacity it leaves.
///
/// Order inside a run: persons are locked (by the caller), then their waitlist rows, then
/// their assignments are read; releases come first so that freed units serve this run's
/// requests and the waitlist in one priority order.
///
/// Not `Sendable`: it lives for one transaction.
final class AllocationRun {
    let store: AllocatorStore
    let policy: AllocationPolicy
    let now: Date
    let transaction: EventTransaction
    let metrics: AllocatorMetrics
    static let source = "fangyi/allocator"
    /// Rounds of matching (another instance took units this run counted as free; more people
    /// wait than one page fetched).
    static let maximumRounds = 8

    private(set) var touchedPools = Set<PoolKey>()
    private var decisions: [DecisionRecord] = []
    private var facilities: [String: FacilityRecord] = [:]
    private var areaMap: AreaMap?
    private var lockedSubjects = Set<String>()
    /// Areas where this run put someone on the quarantine waitlist (checked for standby activation).
    private var waitlistedQuarantineAreas = Set<String>()
    /// A run-wide cause for events no single input caused (capacity).
    private var runCause: Cause?

    init(store: AllocatorStore, policy: AllocationPolicy, now: Date, transaction: EventTransaction, metrics: AllocatorMetrics) {
        self.store = store
        self.policy = policy
        self.now = now
        self.transaction = transaction
        self.metrics = metrics
    }

    func publish<E: KeyedEvent>(_ event: E, id: UUID, cause: Cause?) throws {
        transaction.publish(try OutboundEvent(event, id: id, source: Self.source, time: now, cause: cause?.event))
    }

    private func decide(_ decision: String, subject: String, assignment: String, facility: String?, unit: String?, reason: String, cause: Cause) {
        decisions.append(DecisionRecord(subjectRef: subject, decidedAt: now, decision: decision, assignmentId: assignment,
                                        facilityId: facility, unitId: unit, policyVersion: policy.version, reason: reason, cause: cause.id))
    }

    private func facility(_ id: String) async throws -> FacilityRecord? {
        try await facilityRecords()[id]
    }

    /// The area map, read once per run.
    func areas() async throws -> AreaMap {
        if let areaMap { return areaMap }
        let map = try await store.areaMap()
        areaMap = map
        return map
    }

    // MARK: persons

    /// Reconciles the persons (their rows locked by the caller, their new state given) and
    /// writes their state. `causes` names what changed each person.
    func reconcile(_ persons: [PersonState], causes: [String: Cause]) async throws {
        guard !persons.isEmpty else { return }
        let refs = persons.map(\.subjectRef)
        lockedSubjects.formUnion(refs)
        if runCause == nil, let first = refs.sorted().first { runCause = causes[first] }
        let waiting = try await store.lockWaiting(of: refs)
        let held = try await store.held(by: refs)
        var releases: [(HeldUnit, ReleaseReason, String, Cause)] = []
        var cancelled: [WaitlistRecord] = []
        var requests: [PendingRequest] = []
        var reschedules: [(String, Date)] = []
        var saved: [PersonState] = []
        var kept: [PendingRequest] = []
        var updatedWaits: [WaitlistRecord] = []
        for var person in persons {
            let cause = causes[person.subjectRef] ?? Cause(id: "reconcile:\(now.timeIntervalSince1970)")
            let needs = policy.needs(of: person, now: now)
            let records = waiting[person.subjectRef] ?? []
            let steps = AssignmentPlanner.plan(
                needs: needs, held: held[person.subjectRef] ?? [], waiting: records.map(\.request),
                quarantineCompleted: policy.quarantineCompleted(person, now: now))
            var since = person.needingSince
            for key in since.keys where !needs.contains(where: { $0.purpose.rawValue == key }) { since[key] = nil }
            for need in needs where since[need.purpose.rawValue] == nil { since[need.purpose.rawValue] = now }
            person.needingSince = since
            saved.append(person)
            let cancelledIDs = Set(steps.compactMap { step -> String? in
                if case .cancelWait(let request) = step { request.assignmentId } else { nil }
            })
            // Kept waitlist entries compete for this run's free units like every other waiting
            // person, with what is known now: an age or a severity learned while waiting moves the
            // person up; a later exposure moves the expected end.
            for var record in records where !cancelledIDs.contains(record.request.assignmentId) {
                let current = needs.first { $0.purpose == record.request.need.purpose } ?? record.request.need
                let priority = policy.priority(of: person, for: current, since: record.priority.since)
                if current != record.request.need || priority != record.priority {
                    record.request.need = current
                    record.priority = priority
                    updatedWaits.append(record)
                }
                kept.append(PendingRequest(
                    assignmentId: record.request.assignmentId, subjectRef: record.subjectRef, need: current,
                    areaCode: record.areaCode, priority: priority, replacing: nil, waitlisted: record, cause: cause))
            }
            for step in steps {
                switch step {
                case .release(let unit, let reason): releases.append((unit, reason, person.subjectRef, cause))
                case .cancelWait(let request):
                    if let record = records.first(where: { $0.request.assignmentId == request.assignmentId }) { cancelled.append(record) }
                case .request(let need, let replacing):
                    let id = AllocatorIdentity.assignmentID(subjectRef: person.subjectRef, purpose: need.purpose, cause: cause.id)
                    let area = person.areaCode ?? ""
                    requests.append(PendingRequest(
                        assignmentId: id, subjectRef: person.subjectRef, need: need, areaCode: area,
                        priority: policy.priority(of: person, for: need, since: since[need.purpose.rawValue] ?? now),
                        replacing: replacing, waitlisted: nil, cause: cause))
                case .reschedule(let unit, let end):
                    reschedules.append((unit.assignmentId, end))
                    var moved = unit
                    moved.expectedEnd = end
                    try publishAssigned(moved, subject: person.subjectRef, reason: "quarantine end moved to follow the latest exposure",
                                        assignedAt: now, cause: cause)
                    decide("rescheduled", subject: person.subjectRef, assignment: unit.assignmentId, facility: unit.facilityId,
                           unit: unit.unitId, reason: "expected end \(end)", cause: cause)
                }
            }
        }
        try await store.savePersons(saved)
        try await store.reschedule(reschedules)
        try await release(releases)
        try await store.deleteWaitlist(cancelled.map(\.request.assignmentId))
        try await store.updateWaitlist(updatedWaits)
        for record in cancelled {
            decide("waitlistCancelled", subject: record.subjectRef, assignment: record.request.assignmentId, facility: nil, unit: nil,
                   reason: "no longer needed: \(record.request.need.reason)", cause: causes[record.subjectRef] ?? Cause(id: "reconcile"))
        }
        try await serve(requests + kept, kinds: Set(releases.map(\.0.facilityKind)))
    }

    // MARK: releasing

    private func release(_ releases: [(HeldUnit, ReleaseReason, String, Cause)]) async throws {
        guard !releases.isEmpty else { return }
        try await store.release(releases.map(\.0), reasons: releases.map(\.1), at: now)
        for (unit, reason, subject, cause) in releases {
            touchedPools.insert(PoolKey(facilityId: unit.facilityId, unitType: unit.unitType))
            try publish(AssignmentReleased(assignmentId: unit.assignmentId, subjectRef: subject, facilityId: unit.facilityId,
                                           unitId: unit.unitId, releaseReason: reason, releasedAt: now),
                        id: AllocatorIdentity.eventID(AssignmentReleased.self, unit.assignmentId), cause: cause)
            decide("released", subject: subject, assignment: unit.assignmentId, facility: unit.facilityId, unit: unit.unitId,
                   reason: reason.rawValue, cause: cause)
            metrics.released.increment()
        }
    }

    // MARK: serving

    /// A request being served: new from this run, or from the waitlist.
    struct PendingRequest {
        let assignmentId: String
        let subjectRef: String
        let need: Need
        let areaCode: String
        let priority: Priority
        let replacing: HeldUnit?
        let waitlisted: WaitlistRecord?
        let cause: Cause
    }

    /// Serves `requests` and the waitlist from free units in one priority order; waitlists
    /// the requests left over. `kinds` adds facility kinds whose units were freed (their
    /// waitlist is served even without a new request).
    func serve(_ requests: [PendingRequest], kinds: Set<FacilityKind>) async throws {
        var pending = requests
        var kindsToServe = kinds.union(requests.map(\.need.facilityKind))
        var round = 0
        // Pools where this run already took every unit it could lock: the rest of their "free"
        // units are locked by another instance's open transaction, so later rounds look elsewhere.
        var exhausted = Set<PoolKey>()
        while !kindsToServe.isEmpty && round < Self.maximumRounds {
            round += 1
            let pools = try await store.freePools(kinds: kindsToServe).filter {
                !exhausted.contains(PoolKey(facilityId: $0.facilityId, unitType: $0.unitType))
            }
            var freeByKind: [FacilityKind: (count: Int, types: Set<UnitType>)] = [:]
            for pool in pools where pool.free > 0 {
                freeByKind[pool.facilityKind, default: (0, [])].count += pool.free
                freeByKind[pool.facilityKind, default: (0, [])].types.insert(pool.unitType)
            }
            // A full page means more people may be waiting behind those fetched.
            var fullPage = Set<FacilityKind>()
            for (kind, free) in freeByKind.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                let head = try await store.lockWaitlistHead(kind: kind, types: free.types, limit: free.count, excluding: lockedSubjects)
                if head.count == free.count { fullPage.insert(kind) }
                for record in head {
                    lockedSubjects.insert(record.subjectRef)
                    pending.append(PendingRequest(
                        assignmentId: record.request.assignmentId, subjectRef: record.subjectRef, need: record.request.need,
                        areaCode: record.areaCode, priority: record.priority, replacing: nil, waitlisted: record,
                        cause: Cause(id: "waitlist:\(record.request.assignmentId)")))
                }
            }
            guard !pending.isEmpty else { break }
            let matcher = UnitMatcher(areas: try await areas(), maximumHops: policy.maximumAreaHops)
            let (placed, _) = matcher.match(pending.map {
                MatchRequest(id: $0.assignmentId, need: $0.need, areaCode: $0.areaCode, priority: $0.priority)
            }, pools: pools)
            var kindOf: [String: FacilityKind] = [:]
            for request in pending { kindOf[request.assignmentId] = request.need.facilityKind }
            let (freed, short) = try await assign(placed, from: &pending)
            exhausted.formUnion(short)
            // Another round for: kinds whose units the replaced assignments freed; placements whose
            // units another instance took meanwhile; and free units left with more people waiting
            // (those fetched could not use them: a hop limit, a ventilator, a family room).
            let placedIDs = Set(placed.map(\.requestId))
            var next = freed.union(pending.filter { placedIDs.contains($0.assignmentId) }.map(\.need.facilityKind))
            var placedByKind: [FacilityKind: Int] = [:]
            for placement in placed { if let kind = kindOf[placement.requestId] { placedByKind[kind, default: 0] += 1 } }
            for kind in fullPage where (freeByKind[kind]?.count ?? 0) > (placedByKind[kind] ?? 0) { next.insert(kind) }
            kindsToServe = next
        }
        try await waitlist(pending.filter { $0.waitlisted == nil })
    }

    /// Takes units for the placements, writes the assignments, releases what they replace,
    /// and publishes. Placements whose units another transaction took stay in `pending`.
    /// Returns the kinds of units the replacements freed, and the pools that yielded fewer
    /// units than asked (the rest are locked by another transaction).
    private func assign(_ placed: [MatchPlacement], from pending: inout [PendingRequest]) async throws
        -> (freed: Set<FacilityKind>, short: Set<PoolKey>)
    {
        guard !placed.isEmpty else { return ([], []) }
        var byID: [String: PendingRequest] = [:]
        for request in pending { byID[request.assignmentId] = request }
        var byPool: [PoolKey: [MatchPlacement]] = [:]
        for placement in placed { byPool[PoolKey(facilityId: placement.facilityId, unitType: placement.unitType), default: []].append(placement) }
        var taken: [(MatchPlacement, String)] = []
        var short = Set<PoolKey>()
        for pool in byPool.keys.sorted() {
            let placements = byPool[pool] ?? []
            let units = try await store.takeUnits(pool, count: placements.count)
            if units.count < placements.count { short.insert(pool) }
            taken += zip(placements, units).map { ($0, $1) }
        }
        var ventilatorsWanted: [String: Int] = [:]
        for (placement, _) in taken where byID[placement.requestId]?.need.ventilator == true {
            ventilatorsWanted[placement.facilityId, default: 0] += 1
        }
        let ventilatorsGranted = try await store.takeVentilators(ventilatorsWanted)
        taken = taken.filter { byID[$0.0.requestId]?.need.ventilator != true || ventilatorsGranted.contains($0.0.facilityId) }

        // Waitlisted requests keep a unit until served: find what they replace.
        let replacedIDs = taken.compactMap { byID[$0.0.requestId]?.waitlisted?.request.replacesAssignmentId }
        let replacedByID = try await store.held(ids: replacedIDs)

        var records: [AssignmentRecord] = []
        var reasons: [String] = []
        var releases: [(HeldUnit, ReleaseReason, String, Cause)] = []
        var served = Set<String>()
        for (placement, unitId) in taken {
            guard let request = byID[placement.requestId], let facility = try await facility(placement.facilityId) else { continue }
            let previous = request.replacing ?? request.waitlisted?.request.replacesAssignmentId.flatMap { replacedByID[$0] }
            let record = AssignmentRecord(
                assignmentId: request.assignmentId, subjectRef: request.subjectRef, need: request.need, facility: facility,
                unitId: unitId, unitType: placement.unitType, areaCode: request.areaCode, assignedAt: now, previous: previous,
                policyVersion: policy.version)
            let whereWords = placement.hops == 0 ? "in the person's own area" : placement.hops >= UnitMatcher.unconnected
                ? "outside the connected areas (none nearer had a unit)" : "\(placement.hops) area(s) away (none nearer had a unit)"
            let waited = request.waitlisted.map { " after waiting since \($0.waitlistedAt.formatted(.iso8601))" } ?? ""
            let reason = "\(request.need.reason); \(facility.name) \(whereWords)\(waited)"
            records.append(record)
            reasons.append(reason)
            served.insert(request.assignmentId)
            touchedPools.insert(PoolKey(facilityId: facility.id, unitType: placement.unitType))
            if let previous { releases.append((previous, .transferred, request.subjectRef, request.cause)) }
        }
        // Replaced units are released before the new assignments are written: a transfer
        // within one purpose must not hold two units of that purpose at once.
        if !releases.isEmpty {
            try await store.release(releases.map(\.0), reasons: releases.map(\.1), at: now)
        }
        try await store.insertAssignments(records, reasons: reasons)
        try await store.deleteWaitlist(records.compactMap { byID[$0.assignmentId]?.waitlisted?.request.assignmentId })
        for (record, reason) in zip(records, reasons) {
            guard let request = byID[record.assignmentId] else { continue }
            try publishOutcome(record, reason: reason, request: request)
        }
        pending.removeAll { served.contains($0.assignmentId) }
        metrics.assigned.increment(by: records.count)
        return (Set(releases.map(\.0.facilityKind)), short)
    }

    private func publishOutcome(_ record: AssignmentRecord, reason: String, request: PendingRequest) throws {
        let cause = request.cause
        if let previous = record.previous, previous.purpose == record.need.purpose {
            touchedPools.insert(PoolKey(facilityId: previous.facilityId, unitType: previous.unitType))
            try publish(AssignmentTransferred(
                assignmentId: record.assignmentId, previousAssignmentId: previous.assignmentId, subjectRef: record.subjectRef,
                purpose: record.need.purpose, fromFacilityId: previous.facilityId, fromUnitId: previous.unitId,
                toFacilityId: record.facility.id, toFacilityKind: record.facility.kind, toUnitId: record.unitId,
                toUnitType: record.unitType, ventilator: record.need.ventilator, transferredAt: now,
                policyVersion: policy.version, reason: reason),
                id: AllocatorIdentity.eventID(AssignmentTransferred.self, record.assignmentId), cause: cause)
            decide("transferred", subject: record.subjectRef, assignment: record.assignmentId, facility: record.facility.id,
                   unit: record.unitId, reason: reason, cause: cause)
            decide("released", subject: record.subjectRef, assignment: previous.assignmentId, facility: previous.facilityId,
                   unit: previous.unitId, reason: ReleaseReason.transferred.rawValue, cause: cause)
            metrics.transferred.increment()
            return
        }
        if let previous = record.previous {
            touchedPools.insert(PoolKey(facilityId: previous.facilityId, unitType: previous.unitType))
            try publish(AssignmentReleased(assignmentId: previous.assignmentId, subjectRef: record.subjectRef,
                                           facilityId: previous.facilityId, unitId: previous.unitId, releaseReason: .transferred,
                                           releasedAt: now),
                        id: AllocatorIdentity.eventID(AssignmentReleased.self, previous.assignmentId), cause: cause)
            decide("released", subject: record.subjectRef, assignment: previous.assignmentId, facility: previous.facilityId,
                   unit: previous.unitId, reason: "\(ReleaseReason.transferred.rawValue): \(record.need.purpose.rawValue) assigned",
                   cause: cause)
        }
        try publishAssigned(record.held, subject: record.subjectRef, reason: reason, assignedAt: now, cause: cause)
        decide("assigned", subject: record.subjectRef, assignment: record.assignmentId, facility: record.facility.id,
               unit: record.unitId, reason: reason, cause: cause)
    }

    private func publishAssigned(_ unit: HeldUnit, subject: String, reason: String, assignedAt: Date, cause: Cause) throws {
        try publish(ResourceAssigned(
            assignmentId: unit.assignmentId, subjectRef: subject, purpose: unit.purpose, facilityId: unit.facilityId,
            facilityKind: unit.facilityKind, unitId: unit.unitId, unitType: unit.unitType, ventilator: unit.ventilator,
            assignedAt: assignedAt, expectedEnd: unit.expectedEnd, policyVersion: policy.version, reason: reason),
            id: AllocatorIdentity.eventID(ResourceAssigned.self, unit.assignmentId, unit.expectedEnd.map { "\($0.timeIntervalSince1970)" } ?? ""),
            cause: cause)
    }

    /// Puts requests nobody could serve on the waitlist and tells them their position.
    private func waitlist(_ requests: [PendingRequest]) async throws {
        guard !requests.isEmpty else { return }
        let records = requests.map { request in
            WaitlistRecord(request: WaitingRequest(assignmentId: request.assignmentId, need: request.need,
                                                   replacesAssignmentId: request.replacing?.assignmentId),
                           subjectRef: request.subjectRef, areaCode: request.areaCode, priority: request.priority, waitlistedAt: now)
        }
        try await store.insertWaitlist(records)
        for request in requests where request.need.facilityKind == .quarantineSite { waitlistedQuarantineAreas.insert(request.areaCode) }
        let positions = try await store.waitlistPositions(records.map(\.request.assignmentId))
        for request in requests {
            let keeps = request.replacing.map { " (keeps \($0.unitId) meanwhile)" } ?? ""
            let reason = "no free \(request.need.unitTypes.map(\.rawValue).joined(separator: " or ")) in an active \(request.need.facilityKind.rawValue)\(keeps)"
            try publish(AssignmentWaitlisted(
                assignmentId: request.assignmentId, subjectRef: request.subjectRef, purpose: request.need.purpose,
                facilityKind: request.need.facilityKind, unitType: request.need.unitTypes.first ?? .generalBed,
                areaCode: request.areaCode, position: positions[request.assignmentId] ?? 1, waitlistedAt: now,
                policyVersion: policy.version, reason: reason),
                id: AllocatorIdentity.eventID(AssignmentWaitlisted.self, request.assignmentId), cause: request.cause)
            decide("waitlisted", subject: request.subjectRef, assignment: request.assignmentId, facility: nil, unit: nil,
                   reason: "\(request.need.reason); \(reason)", cause: request.cause)
        }
        metrics.waitlisted.increment(by: requests.count)
    }

    // MARK: finishing

    /// Writes the decisions and publishes the capacity of every pool the run changed
    /// (see `CapacityReporter`). Call once, at the end of the run.
    func finish(capacity: CapacityReporter) async throws {
        var rounds = 0
        while (!touchedPools.isEmpty || !waitlistedQuarantineAreas.isEmpty) && rounds < Self.maximumRounds {
            rounds += 1
            let pools = touchedPools
            touchedPools.removeAll()
            // A standby site with no lead time opens at once and serves the waitlist now, this
            // run's own waiting people included (their rows are this transaction's).
            if try await capacity.publish(pools, run: self, cause: runCause, waitlistedAreas: waitlistedQuarantineAreas) {
                lockedSubjects.removeAll()
                try await serve([], kinds: [.quarantineSite])
            }
            waitlistedQuarantineAreas.removeAll()
        }
        try await store.recordDecisions(decisions)
        decisions.removeAll()
    }

    /// Marks a pool changed (an operator changed its units).
    func touch(_ pool: PoolKey) {
        touchedPools.insert(pool)
    }

    /// Sets the cause of the run's capacity events.
    func setRunCause(_ cause: Cause) {
        if runCause == nil { runCause = cause }
    }

    /// The facilities as this run read them.
    func facilityRecords() async throws -> [String: FacilityRecord] {
        if facilities.isEmpty { facilities = try await store.facilities() }
        return facilities
    }

    /// Forgets cached facilities (after a status change in this run).
    func reloadFacilities() {
        facilities = [:]
    }
}

extension AllocationRun {
    /// Runs `body` with a run in one outbox transaction and then publishes what it changed:
    /// for changes no consumed event causes (a schedule tick, an operator request). `cause`
    /// names the change in derived event ids and decisions.
    static func perform<R: Sendable>(
        on database: Database, relay: OutboxRelay?, policy: AllocationPolicy, metrics: AllocatorMetrics, logger: Logger,
        now: Date, cause: String, _ body: (AllocationRun) async throws -> R
    ) async throws -> R {
        try await database.withOutboxTransaction(relay: relay, logger: logger) { transaction in
            let run = AllocationRun(store: AllocatorStore(connection: transaction.connection, logger: logger), policy: policy,
                                    now: now, transaction: transaction, metrics: metrics)
            run.setRunCause(Cause(id: "\(cause):\(now.timeIntervalSince1970)"))
            let result = try await body(run)
            try await run.finish(capacity: CapacityReporter(policy: policy))
            return result
        }
    }

    /// Locks the persons' rows and reconciles them, each with the cause `cause` names for it.
    func reconcile(subjects: [String], cause: (String) -> String) async throws {
        let states = try await store.lockPersons(subjects)
        var causes: [String: Cause] = [:]
        for ref in subjects { causes[ref] = Cause(id: cause(ref)) }
        try await reconcile(subjects.compactMap { states[$0] }, causes: causes)
    }
}
