import Foundation
import Testing
@testable import FangyiEvents

@Suite("Deterministic event ids")
struct EventIDTests {
    @Test("UUIDv5 matches the RFC vector: DNS namespace + www.example.com")
    func rfcVector() {
        let id = EventID.nameBased(namespace: EventID.dnsNamespace, name: Array("www.example.com".utf8))
        #expect(EventID.string(id) == "2ed6657d-e927-568b-95e1-2665a8aea6a2")
    }

    @Test("the Fangyi namespace is the v5 UUID of its URL in the URL namespace")
    func namespaceDerivation() {
        let derived = EventID.nameBased(namespace: EventID.urlNamespace, name: Array("https://fangyi.dev/ns/event-id".utf8))
        #expect(derived == EventID.namespace)
        #expect(EventID.string(EventID.namespace) == "abbf8b41-3a36-589a-99b2-3e8600ff230b")
    }

    @Test("ids are version 5, RFC variant, lowercase")
    func layout() {
        for index in 0..<64 {
            let id = EventID.derive(["input", String(index)])
            let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
            #expect(bytes[6] >> 4 == 5)
            #expect(bytes[8] >> 6 == 0b10)
            let text = EventID.string(id)
            #expect(text == text.lowercased())
            #expect(Array(text)[14] == "5")
        }
    }

    @Test("the same inputs give the same id")
    func deterministic() {
        #expect(EventID.derive(["lab-1", "SPC-1", "2"]) == EventID.derive(["lab-1", "SPC-1", "2"]))
        #expect(EventID.derive(LabResultRecorded.self, from: ["lab-1", "SPC-1"])
                == EventID.derive(LabResultRecorded.self, from: ["lab-1", "SPC-1"]))
    }

    @Test("joining is unambiguous and order matters")
    func unambiguous() {
        let ids = [
            EventID.derive(["ab", "c"]), EventID.derive(["a", "bc"]), EventID.derive(["abc"]),
            EventID.derive(["c", "ab"]), EventID.derive(["abc", ""]), EventID.derive(["", "abc"]),
            EventID.derive([]), EventID.derive([""]), EventID.derive(["", ""]),
        ]
        #expect(Set(ids).count == ids.count)
    }

    @Test("different event types from the same inputs get different ids")
    func typeSeparation() {
        #expect(EventID.derive(CaseOpened.self, from: ["LR-1"]) != EventID.derive(ContactIdentified.self, from: ["LR-1"]))
        #expect(EventID.derive(CaseOpened.self, from: ["LR-1"]) == EventID.derive([CaseOpened.eventType, "LR-1"]))
    }

    @Test("non-ASCII inputs hash their UTF-8 bytes")
    func unicode() {
        #expect(EventID.derive(["东昌府区"]) != EventID.derive(["東昌府區"]))
        #expect(EventID.derive(["é"]) == EventID.derive(["\u{E9}"]))
    }
}
