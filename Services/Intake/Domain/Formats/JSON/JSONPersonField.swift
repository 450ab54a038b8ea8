/// The members of a `person` object that Fangyi reads.
enum JSONPersonField: Int {
    case nationalId, identifier, assigningAuthority, name, phone, address, areaCode

    /// The member name.
    var name: String {
        switch self {
        case .nationalId: "nationalId"
        case .identifier: "identifier"
        case .assigningAuthority: "assigningAuthority"
        case .name: "name"
        case .phone: "phone"
        case .address: "address"
        case .areaCode: "areaCode"
        }
    }

    /// The field a member name stands for, or nil for a member Fangyi ignores.
    static func match(_ key: UnsafeBufferPointer<UInt8>) -> Self? {
        switch key.count {
        case 4: return JSONCursor.key(key, is: "name") ? .name : nil
        case 5: return JSONCursor.key(key, is: "phone") ? .phone : nil
        case 7: return JSONCursor.key(key, is: "address") ? .address : nil
        case 8: return JSONCursor.key(key, is: "areaCode") ? .areaCode : nil
        case 10:
            if JSONCursor.key(key, is: "nationalId") { return .nationalId }
            return JSONCursor.key(key, is: "identifier") ? .identifier : nil
        case 18: return JSONCursor.key(key, is: "assigningAuthority") ? .assigningAuthority : nil
        default: return nil
        }
    }
}
