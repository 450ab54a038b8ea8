public import FangyiEvents
public import Foundation

/// Whether a facility takes people now.
public enum FacilityStatus: String, Sendable, Codable, CaseIterable {
    /// Open: its in-service units are assigned.
    case active
    /// Kept in reserve; opens within its activation lead time when activated.
    case standby
    /// Activated; opens (becomes active) at its ready time.
    case activating
    /// Being stood down: nobody new is assigned, its occupants are moved out as units free elsewhere.
    case closing
}

/// One facility as the seed file or the admin API describes it.
///
/// Concurrency: a value type; `Sendable`.
public struct FacilitySpec: Sendable, Equatable, Codable {
    /// A stable id (letters, digits, `.`, `_`, `-`; at most 64).
    public var id: String
    /// The name operators know it by.
    public var name: String
    /// What it is for.
    public var kind: FacilityKind
    /// Its area code.
    public var areaCode: String
    /// `active` or `standby` (a seed cannot start a site mid-activation).
    public var status: FacilityStatus
    /// How long activation takes from standby; nil: the policy's default (72 h).
    public var activationLeadHours: Double?
    /// Units by type.
    public var units: [UnitType: Int]
    /// Ventilators on site.
    public var ventilators: Int
    /// ECMO machines on site.
    public var ecmo: Int

    /// Creates a facility description.
    public init(id: String, name: String, kind: FacilityKind, areaCode: String, status: FacilityStatus = .active,
                activationLeadHours: Double? = nil, units: [UnitType: Int], ventilators: Int = 0, ecmo: Int = 0) {
        self.id = id
        self.name = name
        self.kind = kind
        self.areaCode = areaCode
        self.status = status
        self.activationLeadHours = activationLeadHours
        self.units = units
        self.ventilators = ventilators
        self.ecmo = ecmo
    }

    /// Checks the fields; returns the first problem as (JSON pointer suffix, reason), or nil.
    public func problem() -> (field: String, reason: String)? {
        if !Self.isValidID(id) { return ("id", "must be 1-64 letters, digits, `.`, `_` or `-`") }
        if name.isEmpty || name.count > 200 { return ("name", "must be 1-200 characters") }
        if !Self.isValidID(areaCode) { return ("areaCode", "must be 1-64 letters, digits, `.`, `_` or `-`") }
        if status == .activating || status == .closing { return ("status", "must be active or standby") }
        if let lead = activationLeadHours, !(0...720).contains(lead) { return ("activationLeadHours", "must be 0-720 hours") }
        for (type, count) in units where !(0...100_000).contains(count) {
            return ("units/\(type.rawValue)", "must be a whole number from 0 to 100000")
        }
        if !(0...10_000).contains(ventilators) { return ("ventilators", "must be 0-10000") }
        if !(0...10_000).contains(ecmo) { return ("ecmo", "must be 0-10000") }
        return nil
    }

    /// Ids and area codes: 1-64 of `[A-Za-z0-9._-]`.
    public static func isValidID(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 64 && value.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D
        }
    }

    /// The id of the `number`th unit (from 1) of `type`: stable, so growing capacity adds ids.
    public static func unitID(facilityId: String, type: UnitType, number: Int) -> String {
        let prefix = switch type {
        case .generalBed: "bed"
        case .icuBed: "icu"
        case .negativePressureBed: "npb"
        case .quarantineSingleRoom: "room"
        case .familyRoom: "family"
        }
        return "\(facilityId)/\(prefix)-\(String(format: "%05d", number))"
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, kind, areaCode, status, activationLeadHours, units, ventilators, ecmo
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? id
        kind = try container.decode(FacilityKind.self, forKey: .kind)
        areaCode = try container.decode(String.self, forKey: .areaCode)
        status = try container.decodeIfPresent(FacilityStatus.self, forKey: .status) ?? .active
        activationLeadHours = try container.decodeIfPresent(Double.self, forKey: .activationLeadHours)
        let byName = try container.decodeIfPresent([String: Int].self, forKey: .units) ?? [:]
        var units: [UnitType: Int] = [:]
        for (name, count) in byName {
            guard let type = UnitType(rawValue: name) else {
                throw DecodingError.dataCorruptedError(forKey: .units, in: container, debugDescription: "\(name) is not a unit type (\(UnitType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            units[type] = count
        }
        self.units = units
        ventilators = try container.decodeIfPresent(Int.self, forKey: .ventilators) ?? 0
        ecmo = try container.decodeIfPresent(Int.self, forKey: .ecmo) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(kind, forKey: .kind)
        try container.encode(areaCode, forKey: .areaCode)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(activationLeadHours, forKey: .activationLeadHours)
        try container.encode(Dictionary(uniqueKeysWithValues: units.map { ($0.key.rawValue, $0.value) }), forKey: .units)
        try container.encode(ventilators, forKey: .ventilators)
        try container.encode(ecmo, forKey: .ecmo)
    }
}

/// An area and the areas next to it (the seed file's adjacency list).
public struct AreaSpec: Sendable, Equatable, Codable {
    /// The area code.
    public var code: String
    /// A display name.
    public var name: String?
    /// The codes of the neighbouring areas.
    public var adjacent: [String]

    /// Creates an area.
    public init(code: String, name: String? = nil, adjacent: [String]) {
        self.code = code
        self.name = name
        self.adjacent = adjacent
    }
}

/// The seed file: the city's areas and facilities (`ALLOCATOR_SEED_FILE`).
///
/// Concurrency: a value type; `Sendable`.
public struct Inventory: Sendable, Equatable, Codable {
    /// Areas with their neighbours.
    public var areas: [AreaSpec]
    /// Facilities.
    public var facilities: [FacilitySpec]

    /// Creates an inventory.
    public init(areas: [AreaSpec], facilities: [FacilitySpec]) {
        self.areas = areas
        self.facilities = facilities
    }

    /// An error in the seed file, naming the JSON pointer and why.
    public struct FileError: Error, Sendable, CustomStringConvertible {
        /// `seed.unreadable` or `seed.invalid`.
        public let code: String
        /// What is wrong and where.
        public let message: String
        public var description: String { "\(code): \(message)" }
    }

    /// Reads and validates the seed file at `path`.
    public static func load(path: String) throws(FileError) -> Inventory {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(code: "seed.unreadable", message: "cannot read the seed file at \(path)")
        }
        do {
            return try parse(data)
        } catch {
            throw FileError(code: error.code, message: "\(path): \(error.message)")
        }
    }

    /// Parses and validates seed JSON: unique facility ids, known kinds and unit types,
    /// valid counts, adjacency naming declared areas.
    public static func parse(_ data: Data) throws(FileError) -> Inventory {
        let inventory: Inventory
        do {
            inventory = try JSONDecoder().decode(Inventory.self, from: data)
        } catch {
            throw FileError(code: "seed.invalid", message: EnvelopeError.decoding(error, eventType: "the seed file").message)
        }
        var seen = Set<String>()
        let areaCodes = Set(inventory.areas.map(\.code))
        for (index, area) in inventory.areas.enumerated() {
            guard FacilitySpec.isValidID(area.code) else {
                throw FileError(code: "seed.invalid", message: "/areas/\(index)/code must be 1-64 letters, digits, `.`, `_` or `-`")
            }
            if let unknown = area.adjacent.first(where: { !areaCodes.contains($0) }) {
                throw FileError(code: "seed.invalid", message: "/areas/\(index)/adjacent names \(unknown), which is not a declared area")
            }
        }
        for (index, facility) in inventory.facilities.enumerated() {
            if let (field, reason) = facility.problem() {
                throw FileError(code: "seed.invalid", message: "/facilities/\(index)/\(field) \(reason)")
            }
            guard seen.insert(facility.id).inserted else {
                throw FileError(code: "seed.invalid", message: "/facilities/\(index)/id \(facility.id) appears twice")
            }
        }
        return inventory
    }
}
