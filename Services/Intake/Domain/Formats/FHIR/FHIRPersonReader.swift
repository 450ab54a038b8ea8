/// Reads the tested person from a FHIR Patient (or from a logical reference's Identifier).
///
/// Rules, in the order applied:
/// - **National id**: the first identifier whose `type` has code `NI` or `NNCHN`; else the
///   first whose `system` is under `urn:oid:2.16.156` or contains `china`, `prc` or
///   `resident`; else the first whose value is shaped like a PRC resident identity card
///   number (17 digits and a digit or `X`, or 15 digits). Its `value` → `nationalId`.
/// - **Other identifier**: the first identifier that is not the national one → `identifier`,
///   with `system` (else `assigner.display`) → `assigningAuthority`.
/// - **Name**: the first `official` name, else the first name: its `text`, else family and
///   given names (written together, family first, when they are Chinese; else given names
///   then family, separated by spaces).
/// - **Phone**: the first `telecom` with system `phone` or `sms`.
/// - **Address**: the first `home` address, else the first: its `text`, else state, city,
///   district and lines joined by spaces.
/// - **Area code**: the first extension on that address whose value (`valueCode`,
///   `valueString` or `valueCoding.code`) is six ASCII digits; else `address.district` when
///   it is six digits. `postalCode` is never used: PRC postal codes are six digits too and
///   are not division codes.
///
/// Concurrency: stateless.
enum FHIRPersonReader {
    /// The person a Patient resource describes.
    static func person(patient: FHIRResource) -> SubmittedPerson {
        var person = SubmittedPerson()
        readIdentifiers(patient.node["identifier"]?.elements ?? [], into: &person)
        person.name = name(patient.node["name"]?.elements ?? [])
        person.phone = (patient.node["telecom"]?.elements ?? []).first { ["phone", "sms"].contains($0.text("system")?.value) }?.text("value")?.value
        let addresses = patient.node["address"]?.elements ?? []
        if let address = addresses.first(where: { $0.text("use")?.value == "home" }) ?? addresses.first {
            person.address = addressText(address)
            person.areaCode = areaCode(address)
        }
        return person
    }

    /// The person a logical reference names by one Identifier.
    static func person(identifier: FHIRNode) -> SubmittedPerson {
        var person = SubmittedPerson()
        readIdentifiers([identifier], into: &person)
        return person
    }

    private static func readIdentifiers(_ identifiers: [FHIRNode], into person: inout SubmittedPerson) {
        let withValues = identifiers.filter { $0.text("value") != nil }
        let national = withValues.first(where: hasNationalType)
            ?? withValues.first(where: hasNationalSystem)
            ?? withValues.first { isResidentIDShaped($0.text("value")?.value ?? "") }
        if let national {
            person.nationalId = national.text("value")
        }
        if let other = withValues.first(where: { $0.pointer != national?.pointer }) {
            person.identifier = other.text("value")
            person.assigningAuthority = other.text("system") ?? other["assigner"]?.text("display")
        }
    }

    private static func hasNationalType(_ identifier: FHIRNode) -> Bool {
        (identifier["type"]?["coding"]?.elements ?? []).contains { ["NI", "NNCHN"].contains($0.text("code")?.value) }
    }

    private static func hasNationalSystem(_ identifier: FHIRNode) -> Bool {
        guard let system = identifier.text("system")?.value.lowercased() else { return false }
        return system.hasPrefix("urn:oid:2.16.156") || system.contains("china") || system.contains("prc") || system.contains("resident")
    }

    /// 18 characters (17 digits then a digit or `X`) or 15 digits: the shapes of the second-
    /// and first-generation resident identity card numbers. Shape only; the checksum is the
    /// validator's.
    static func isResidentIDShaped(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        switch bytes.count {
        case 15:
            return bytes.allSatisfy(isDigit)
        case 18:
            let last = bytes[17]
            return bytes[0..<17].allSatisfy(isDigit) && (isDigit(last) || last == UInt8(ascii: "X") || last == UInt8(ascii: "x"))
        default:
            return false
        }
    }

    private static func name(_ names: [FHIRNode]) -> String? {
        guard let name = names.first(where: { $0.text("use")?.value == "official" }) ?? names.first else { return nil }
        if let text = name.text("text")?.value { return text }
        let family = name.text("family")?.value
        let given = (name["given"]?.elements ?? []).compactMap(\.text)
        let parts = (family.map { [$0] } ?? []) + given
        guard !parts.isEmpty else { return nil }
        if parts.contains(where: containsHan) {
            return parts.joined()
        }
        return (given + (family.map { [$0] } ?? [])).joined(separator: " ")
    }

    private static func containsHan(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x3400...0x9FFF).contains($0.value) || (0x20000...0x3134F).contains($0.value) }
    }

    private static func addressText(_ address: FHIRNode) -> String? {
        if let text = address.text("text")?.value { return text }
        let parts = ["state", "city", "district"].compactMap { address.text($0)?.value }
            + (address["line"]?.elements ?? []).compactMap(\.text)
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    private static func areaCode(_ address: FHIRNode) -> Located<String>? {
        for extensionNode in address["extension"]?.elements ?? [] {
            let value = extensionNode.text("valueCode") ?? extensionNode.text("valueString") ?? extensionNode["valueCoding"]?.text("code")
            if let value, isDivisionCodeShaped(value.value) { return value }
        }
        if let district = address.text("district"), isDivisionCodeShaped(district.value) { return district }
        return nil
    }

    private static func isDivisionCodeShaped(_ value: String) -> Bool {
        value.utf8.count == 6 && value.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
