import Foundation
import Testing
@testable import FangyiEvents

@Suite("Sealing contact details")
struct SealingTests {
    static let oldKey = Data(repeating: 0x11, count: 32).base64EncodedString()
    static let newKey = Data(repeating: 0x22, count: 32).base64EncodedString()
    let details = ContactDetails(name: "张三", phone: "+86 138 0000 0000", address: "东昌府区柳园街道 1 号",
                                 preferredLanguage: "zh-CN")
    let subject = "sr_lT1D8zqPbok3dwGBFTKD6OUUeWW1O18AXlZhgaAj7WU"
    let otherSubject = "sr_e45m_sh8Xn7YXZn86rMGvwGDN6J8vIA0hXqL2Gt1OBY"

    @Test("seal then open returns the same details; the blob reveals nothing")
    func roundTrip() throws {
        let sealer = try ContactSealer(keyRing: "k2022a:\(Self.oldKey)")
        let blob = try sealer.seal(details, for: subject)
        #expect(blob.keyId == "k2022a")
        #expect(try sealer.open(blob, for: subject) == details)
        let json = String(decoding: try EventJSON.encode(blob), as: UTF8.self)
        #expect(!json.contains("138"))
        #expect(!json.contains("张三"))
        #expect(json.hasPrefix("{\"combined\":\""))
        let combined = try #require(Data(base64Encoded: blob.combined))
        #expect(combined.count > 12 + 16)
    }

    @Test("two seals of the same details differ (fresh nonces)")
    func freshNonces() throws {
        let sealer = try ContactSealer(keyRing: "k1:\(Self.oldKey)")
        #expect(try sealer.seal(details, for: subject) != sealer.seal(details, for: subject))
    }

    @Test("a tampered blob does not open", arguments: [0, 5, 12, 30, -1])
    func tamper(position: Int) throws {
        let sealer = try ContactSealer(keyRing: "k1:\(Self.oldKey)")
        let blob = try sealer.seal(details, for: subject)
        var bytes = try #require(Data(base64Encoded: blob.combined))
        let index = position >= 0 ? position : bytes.count - 1
        bytes[index] ^= 0x01
        let tampered = SealedBlob(keyId: blob.keyId, combined: bytes.base64EncodedString())
        let error = #expect(throws: SealingError.self) { try sealer.open(tampered, for: subject) }
        #expect(error?.code == SealingError.Code.authenticationFailed)
    }

    @Test("a blob opened for another subject does not authenticate")
    func boundToSubject() throws {
        let sealer = try ContactSealer(keyRing: "k1:\(Self.oldKey)")
        let blob = try sealer.seal(details, for: subject)
        let error = #expect(throws: SealingError.self) { try sealer.open(blob, for: otherSubject) }
        #expect(error?.code == SealingError.Code.authenticationFailed)
    }

    @Test("key rotation: the first key seals, every key opens")
    func rotation() throws {
        let before = try ContactSealer(keyRing: "k2022a:\(Self.oldKey)")
        let during = try ContactSealer(keyRing: "k2022b:\(Self.newKey), k2022a:\(Self.oldKey)")
        let after = try ContactSealer(environment: ["FANGYI_CONTACT_KEY": "k2022b:\(Self.newKey)"])
        #expect(during.sealingKeyID == "k2022b")
        #expect(during.keyIDs == ["k2022b", "k2022a"])

        let oldBlob = try before.seal(details, for: subject)
        #expect(try during.open(oldBlob, for: subject) == details)
        let newBlob = try during.seal(details, for: subject)
        #expect(newBlob.keyId == "k2022b")
        #expect(try after.open(newBlob, for: subject) == details)

        let retired = #expect(throws: SealingError.self) { try after.open(oldBlob, for: subject) }
        #expect(retired?.code == SealingError.Code.unknownKeyID)
        #expect(retired?.message.contains("k2022a") == true)
    }

    @Test("a different key under the same id does not authenticate")
    func wrongKeySameID() throws {
        let blob = try ContactSealer(keyRing: "k1:\(Self.oldKey)").seal(details, for: subject)
        let impostor = try ContactSealer(keyRing: "k1:\(Self.newKey)")
        let error = #expect(throws: SealingError.self) { try impostor.open(blob, for: subject) }
        #expect(error?.code == SealingError.Code.authenticationFailed)
    }

    @Test("malformed blobs are reported as malformed")
    func malformedBlob() throws {
        let sealer = try ContactSealer(keyRing: "k1:\(Self.oldKey)")
        for combined in ["not base64!", Data(count: 20).base64EncodedString()] {
            let error = #expect(throws: SealingError.self) {
                try sealer.open(SealedBlob(keyId: "k1", combined: combined), for: subject)
            }
            #expect(error?.code == SealingError.Code.malformedBlob)
            #expect(error?.field == "combined")
        }
    }

    static let badRings: [(String, String)] = {
        let key16 = Data(repeating: 1, count: 16).base64EncodedString()
        let key32 = Data(repeating: 1, count: 32).base64EncodedString()
        let key33 = Data(repeating: 1, count: 33).base64EncodedString()
        let other32 = Data(repeating: 2, count: 32).base64EncodedString()
        return [
            ("k1:" + key16, SealingError.Code.invalidKey),
            ("k1:" + key33, SealingError.Code.invalidKey),
            ("k1:%%%", SealingError.Code.invalidKey),
            ("k1" + key32, SealingError.Code.invalidKey),
            (":" + key32, SealingError.Code.invalidKey),
            ("bad/id:" + key32, SealingError.Code.invalidKey),
            ("k1:" + key32 + ",k1:" + other32, SealingError.Code.duplicateKeyID),
            ("  ,, ", SealingError.Code.missingKey),
        ]
    }()

    @Test("bad key rings are refused with clear errors and no key material", arguments: badRings)
    func badKeyRings(ring: String, code: String) {
        let error = #expect(throws: SealingError.self) { try ContactSealer(keyRing: ring) }
        #expect(error?.code == code)
        #expect(error?.message.contains("AQEBAQEB") == false)
    }

    @Test("keys report their length when wrong")
    func keyLength() {
        let error = #expect(throws: SealingError.self) { try ContactKey(id: "k1", bytes: Array(repeating: 0, count: 24)) }
        #expect(error?.message.contains("24") == true)
        #expect(error?.message.contains("32") == true)
    }

    @Test("an unset FANGYI_CONTACT_KEY is a clear error")
    func missingEnvironment() {
        let error = #expect(throws: SealingError.self) { try ContactSealer(environment: [:]) }
        #expect(error?.code == SealingError.Code.missingKey)
        #expect(error?.field == "FANGYI_CONTACT_KEY")
    }

    @Test("contact details do not print themselves")
    func redacted() {
        #expect("\(details)" == "ContactDetails(redacted)")
        #expect(String(reflecting: details) == "ContactDetails(redacted)")
    }
}
