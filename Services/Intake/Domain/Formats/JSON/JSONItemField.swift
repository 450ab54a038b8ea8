/// The members of a result object that Fangyi reads, in the order their problems rank.
enum JSONItemField: Int {
    case labId, specimenId, status, version, testCode, result, specimenType
    case collectedAt, reportedAt, poolId, retestOfPoolId, targets, person, poolMembers

    /// The member name.
    var name: String {
        switch self {
        case .labId: "labId"
        case .specimenId: "specimenId"
        case .status: "status"
        case .version: "version"
        case .testCode: "testCode"
        case .result: "result"
        case .specimenType: "specimenType"
        case .collectedAt: "collectedAt"
        case .reportedAt: "reportedAt"
        case .poolId: "poolId"
        case .retestOfPoolId: "retestOfPoolId"
        case .targets: "targets"
        case .person: "person"
        case .poolMembers: "poolMembers"
        }
    }

    /// The rank of a problem with this field; `1` for a problem found only after the
    /// field's syntax and types were checked (a target without its name).
    func rank(_ later: Int = 0) -> Int {
        rawValue &* 2 &+ later
    }

    /// The field a member name stands for, or nil for a member Fangyi ignores.
    static func match(_ key: UnsafeBufferPointer<UInt8>) -> Self? {
        switch key.count {
        case 5: return JSONCursor.key(key, is: "labId") ? .labId : nil
        case 6:
            if JSONCursor.key(key, is: "status") { return .status }
            if JSONCursor.key(key, is: "result") { return .result }
            if JSONCursor.key(key, is: "person") { return .person }
            return JSONCursor.key(key, is: "poolId") ? .poolId : nil
        case 7:
            if JSONCursor.key(key, is: "targets") { return .targets }
            return JSONCursor.key(key, is: "version") ? .version : nil
        case 8: return JSONCursor.key(key, is: "testCode") ? .testCode : nil
        case 10:
            if JSONCursor.key(key, is: "specimenId") { return .specimenId }
            return JSONCursor.key(key, is: "reportedAt") ? .reportedAt : nil
        case 11:
            if JSONCursor.key(key, is: "collectedAt") { return .collectedAt }
            return JSONCursor.key(key, is: "poolMembers") ? .poolMembers : nil
        case 12: return JSONCursor.key(key, is: "specimenType") ? .specimenType : nil
        case 14: return JSONCursor.key(key, is: "retestOfPoolId") ? .retestOfPoolId : nil
        default: return nil
        }
    }
}
