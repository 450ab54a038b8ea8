import FangyiEvents
import Foundation
import Testing

@Suite("Hand-written JSON matches JSONEncoder byte for byte")
struct JSONOutputTests {
    /// A deterministic generator, so a failure can be replayed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func bool() -> Bool { next() & 1 == 0 }
        mutating func text() -> String {
            let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\u{a}",
                                              "\u{c}", "\u{d}", "\u{1f}", "\u{7f}", "é", "张", "\u{2028}", "🧪"]
            return String(String.UnicodeScalarView((0..<int(0...12)).map { _ in alphabet[int(0...(alphabet.count - 1))] }))
        }
        mutating func ct() -> Double? {
            switch int(0...4) {
            case 0: return nil
            case 1: return Double(int(10...45))
            case 2: return Double(int(0...5000)) / 100
            case 3: return Double(bitPattern: next() | 0x3FF0_0000_0000_0000 & 0x3FFF_FFFF_FFFF_FFFF)
            default: return [1e-7, 1e21, 0.1 + 0.2, -0.0, Double.leastNonzeroMagnitude][int(0...4)]
            }
        }
        mutating func date() -> Date { Date(timeIntervalSince1970: Double(int(0...2_000_000_000)) + Double(int(0...999)) / 1000) }
        mutating func pick<T: CaseIterable>(_: T.Type) -> T where T.AllCases: RandomAccessCollection, T.AllCases.Index == Int {
            let all = T.allCases
            return all[int(0...(all.count - 1))]
        }
    }

    func expectSame<T: Encodable>(_ value: T) throws {
        let fast = String(decoding: try EventJSON.encode(value), as: UTF8.self)
        let reference = String(decoding: try EventJSON.encodeWithFoundation(value), as: UTF8.self)
        #expect(fast == reference)
    }

    @Test("LabResultRecorded, with and without every optional member")
    func labResults() throws {
        var g = Generator(state: 42)
        for _ in 0..<500 {
            let event = LabResultRecorded(
                resultId: g.text(), labId: g.text(), specimenId: g.text(), version: g.int(-3...100_000),
                status: g.pick(ResultStatus.self), subjectRef: g.text(),
                sealedContact: g.bool() ? SealedBlob(keyId: g.text(), combined: g.text()) : nil,
                areaCode: g.text(), testKind: g.pick(TestKind.self), specimenType: g.pick(SpecimenType.self),
                targets: (0..<g.int(0...4)).map { _ in TargetResult(target: g.pick(AssayTarget.self), ct: g.ct()) },
                interpretation: g.pick(Interpretation.self), isScreeningOnly: g.bool(),
                collectedAt: g.date(), reportedAt: g.date(),
                poolId: g.bool() ? g.text() : nil, supersedes: g.bool() ? g.text() : nil)
            try expectSame(event)
        }
    }

    @Test("PoolResultRecorded and ContactDetails")
    func poolsAndContacts() throws {
        var g = Generator(state: 7)
        for _ in 0..<300 {
            try expectSame(PoolResultRecorded(
                poolId: g.text(), labId: g.text(), areaCode: g.text(),
                members: (0..<g.int(0...5)).map { _ in PoolMember(subjectRef: g.text(), specimenId: g.text()) },
                interpretation: g.pick(Interpretation.self), collectedAt: g.date(), reportedAt: g.date()))
            try expectSame(ContactDetails(name: g.text(), phone: g.text(), address: g.bool() ? g.text() : nil,
                                          preferredLanguage: g.bool() ? g.text() : nil))
        }
    }
}
