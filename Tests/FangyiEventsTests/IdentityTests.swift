import Foundation
import Testing
@testable import FangyiEvents

@Suite("National IDs and subject refs")
struct IdentityTests {
    static let keyBase64 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="  // bytes 1...32

    @Test("valid resident IDs normalize to 18 characters", arguments: [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        (" 110105 1949 1231 002X ", "11010519491231002X"),
        ("110105-19491231-002X", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("440524188001010014", "440524188001010014"),
        ("371502198703151237", "371502198703151237"),
        ("110105491231002", "11010519491231002X"),
    ])
    func validIDs(raw: String, normalized: String) throws {
        #expect(try NationalID.normalize(raw).normalized == normalized)
    }

    @Test("malformed resident IDs fail with a clear code and never echo the ID", arguments: [
        ("110105194912310021", IdentityError.Code.checksumMismatch),
        ("11010519491231002Y", IdentityError.Code.invalidCharacter),
        ("1101051949123100X2", IdentityError.Code.invalidCharacter),
        ("1101051949123100", IdentityError.Code.invalidLength),
        ("1101051949123100200", IdentityError.Code.invalidLength),
        ("11010519491331002X", IdentityError.Code.invalidBirthDate),
        ("110105190002290010", IdentityError.Code.invalidBirthDate),
        ("11010549123100A", IdentityError.Code.invalidCharacter),
        ("  - ", IdentityError.Code.empty),
        ("11010519491231002Ⅹ", IdentityError.Code.invalidCharacter),
    ])
    func invalidIDs(raw: String, code: String) {
        let error = #expect(throws: IdentityError.self) { try NationalID.normalize(raw) }
        #expect(error?.code == code)
        #expect(error?.field == "nationalId")
        #expect(error?.message.contains("1949") == false)
        #expect(error?.description.contains("19491") == false)
    }

    @Test("every single-digit typo in a resident ID is caught")
    func checksumCatchesTypos() {
        let valid = Array("440524188001010014")
        for position in 0..<17 {
            var typo = valid
            let digit = typo[position].wholeNumberValue ?? 0
            typo[position] = Character(String((digit + 1) % 10))
            #expect(throws: IdentityError.self) { try NationalID.normalize(String(typo)) }
        }
    }

    @Test("non-resident IDs normalize as AUTHORITY|VALUE")
    func nonResident() throws {
        #expect(try NationalID.normalize(identifier: " e 1234567-8 ", authority: "usa-passport").normalized
                == "USA-PASSPORT|E12345678")
        #expect(try NationalID.normalize(identifier: "A123456(7)", authority: "HKG-ID").normalized == "HKG-ID|A1234567")
        let badAuthority = #expect(throws: IdentityError.self) {
            try NationalID.normalize(identifier: "E12345678", authority: "USA|PASSPORT")
        }
        #expect(badAuthority?.code == IdentityError.Code.invalidAuthority)
        #expect(badAuthority?.field == "authority")
        let emptyAuthority = #expect(throws: IdentityError.self) { try NationalID.normalize(identifier: "E1", authority: " ") }
        #expect(emptyAuthority?.code == IdentityError.Code.invalidAuthority)
        let badValue = #expect(throws: IdentityError.self) {
            try NationalID.normalize(identifier: "E123/456", authority: "USA-PASSPORT")
        }
        #expect(badValue?.code == IdentityError.Code.invalidCharacter)
        let emptyValue = #expect(throws: IdentityError.self) {
            try NationalID.normalize(identifier: "--", authority: "USA-PASSPORT")
        }
        #expect(emptyValue?.code == IdentityError.Code.empty)
    }

    @Test("IDs do not print themselves")
    func redacted() throws {
        let id = try NationalID.normalize("11010519491231002X")
        #expect("\(id)" == "NationalID(redacted)")
        #expect(String(reflecting: id) == "NationalID(redacted)")
    }

    @Test("subject refs match a known HMAC-SHA256 vector")
    func knownAnswer() throws {
        let generator = try SubjectRefGenerator(base64Key: Self.keyBase64)
        #expect(try generator.subjectRef(forResidentID: "11010519491231002X") == "sr_lT1D8zqPbok3dwGBFTKD6OUUeWW1O18AXlZhgaAj7WU")
        let passport = try NationalID.normalize(identifier: "E12345678", authority: "USA-PASSPORT")
        #expect(generator.subjectRef(for: passport) == "sr_e45m_sh8Xn7YXZn86rMGvwGDN6J8vIA0hXqL2Gt1OBY")
    }

    @Test("subject refs are deterministic across spellings and depend on the key")
    func determinismAndKeyDependence() throws {
        let generator = try SubjectRefGenerator(base64Key: Self.keyBase64)
        let again = try SubjectRefGenerator(key: Array(1...32))
        let other = try SubjectRefGenerator(key: Array(repeating: 7, count: 32))
        let ref = try generator.subjectRef(forResidentID: "11010519491231002X")
        #expect(try generator.subjectRef(forResidentID: "110105 19491231 002x") == ref)
        #expect(try generator.subjectRef(forResidentID: "110105491231002") == ref)
        #expect(try again.subjectRef(forResidentID: "11010519491231002X") == ref)
        #expect(try other.subjectRef(forResidentID: "11010519491231002X") != ref)
        #expect(try generator.subjectRef(forResidentID: "440524188001010014") != ref)
        #expect(SubjectRefGenerator.isSubjectRef(ref))
        #expect(ref.count == 46)
        #expect(!ref.contains("11010519491231002X"))
        #expect(!SubjectRefGenerator.isSubjectRef("sr_short"))
        #expect(!SubjectRefGenerator.isSubjectRef("xx" + ref.dropFirst(2)))
    }

    @Test("subject keys of the wrong length or encoding are refused")
    func keyValidation() {
        let short = #expect(throws: IdentityError.self) { try SubjectRefGenerator(key: Array(repeating: 1, count: 16)) }
        #expect(short?.code == IdentityError.Code.invalidKey)
        #expect(short?.message.contains("16") == true)
        #expect(throws: IdentityError.self) { try SubjectRefGenerator(key: Array(repeating: 1, count: 65)) }
        let notBase64 = #expect(throws: IdentityError.self) { try SubjectRefGenerator(base64Key: "not base64!") }
        #expect(notBase64?.code == IdentityError.Code.invalidKey)
        let missing = #expect(throws: IdentityError.self) { try SubjectRefGenerator(environment: [:]) }
        #expect(missing?.code == IdentityError.Code.missingKey)
        #expect(missing?.field == "FANGYI_SUBJECT_KEY")
    }

    @Test("the key is read from FANGYI_SUBJECT_KEY, surrounding whitespace ignored")
    func environment() throws {
        let generator = try SubjectRefGenerator(environment: ["FANGYI_SUBJECT_KEY": Self.keyBase64 + "\n"])
        #expect(try generator.subjectRef(forResidentID: "11010519491231002X") == "sr_lT1D8zqPbok3dwGBFTKD6OUUeWW1O18AXlZhgaAj7WU")
    }
}
