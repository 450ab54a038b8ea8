@testable import FangyiTracing
import FangyiEvents
import Foundation
import Testing

@Suite("TracingIdentity: deterministic ids")
struct TracingIdentityTests {
    @Test("the same inputs give the same id on every call")
    func deterministic() {
        #expect(TracingIdentity.caseID(subjectRef: "p1", positiveResultId: "r1") == TracingIdentity.caseID(subjectRef: "p1", positiveResultId: "r1"))
        #expect(TracingIdentity.contactID(subjectRef: "p1", sourceCaseId: "c1") == TracingIdentity.contactID(subjectRef: "p1", sourceCaseId: "c1"))
        #expect(TracingIdentity.chainID(rootCaseId: "c1") == TracingIdentity.chainID(rootCaseId: "c1"))
        #expect(TracingIdentity.clusterID(settingKey: "venue:v1", firstCaseId: "c1") == TracingIdentity.clusterID(settingKey: "venue:v1", firstCaseId: "c1"))
        #expect(TracingIdentity.retestID(subjectRef: "p1", trigger: "pool-1") == TracingIdentity.retestID(subjectRef: "p1", trigger: "pool-1"))
    }

    @Test("ids are lowercase canonical UUIDs")
    func format() {
        let id = TracingIdentity.caseID(subjectRef: "p1", positiveResultId: "r1")
        #expect(UUID(uuidString: id) != nil)
        #expect(id == id.lowercased())
        #expect(id.count == 36)
    }

    @Test("ids differ when any input differs")
    func differ() {
        let base = TracingIdentity.caseID(subjectRef: "p1", positiveResultId: "r1")
        #expect(TracingIdentity.caseID(subjectRef: "p2", positiveResultId: "r1") != base)
        #expect(TracingIdentity.caseID(subjectRef: "p1", positiveResultId: "r2") != base)
        #expect(TracingIdentity.contactID(subjectRef: "p1", sourceCaseId: "c1") != TracingIdentity.contactID(subjectRef: "p1", sourceCaseId: "c2"))
        #expect(TracingIdentity.contactID(subjectRef: "p1", sourceCaseId: "c1") != TracingIdentity.contactID(subjectRef: "p2", sourceCaseId: "c1"))
        #expect(TracingIdentity.chainID(rootCaseId: "c1") != TracingIdentity.chainID(rootCaseId: "c2"))
        #expect(TracingIdentity.clusterID(settingKey: "venue:v1", firstCaseId: "c1") != TracingIdentity.clusterID(settingKey: "venue:v2", firstCaseId: "c1"))
        #expect(TracingIdentity.retestID(subjectRef: "p1", trigger: "pool-1") != TracingIdentity.retestID(subjectRef: "p1", trigger: "pool-2"))
    }

    @Test("moving text between inputs changes the id")
    func unambiguous() {
        #expect(TracingIdentity.caseID(subjectRef: "ab", positiveResultId: "c") != TracingIdentity.caseID(subjectRef: "a", positiveResultId: "bc"))
        #expect(TracingIdentity.contactID(subjectRef: "p1", sourceCaseId: "c1") != TracingIdentity.contactID(subjectRef: "c1", sourceCaseId: "p1"))
    }

    @Test("kinds of id never collide for the same inputs")
    func kindsDiffer() {
        let ids = [
            TracingIdentity.caseID(subjectRef: "x", positiveResultId: "y"),
            TracingIdentity.contactID(subjectRef: "x", sourceCaseId: "y"),
            TracingIdentity.clusterID(settingKey: "x", firstCaseId: "y"),
            TracingIdentity.retestID(subjectRef: "x", trigger: "y"),
        ]
        #expect(Set(ids).count == ids.count)
    }

    @Test("event ids are deterministic and differ by event type and inputs")
    func eventIDs() {
        let identified = TracingIdentity.eventID(ContactIdentified.self, "k1", "close", "c1")
        #expect(identified == TracingIdentity.eventID(ContactIdentified.self, "k1", "close", "c1"))
        #expect(identified != TracingIdentity.eventID(ContactIdentified.self, "k1", "secondary", "c1"))
        #expect(identified != TracingIdentity.eventID(CheckIn.self, "k1", "close", "c1"))
    }

    @Test("a venue cluster forms around the venue, whichever case started it")
    func venueSetting() {
        #expect(TracingIdentity.clusterSetting(via: .venue, venueId: "v1", sourceCaseId: "c1") == "venue:v1")
        #expect(TracingIdentity.clusterSetting(via: .venue, venueId: "v1", sourceCaseId: "c2") == "venue:v1")
    }

    @Test("a household, workplace or class cluster forms around the source case")
    func relationSetting() {
        #expect(TracingIdentity.clusterSetting(via: .household, venueId: nil, sourceCaseId: "c1") == "household:c1")
        #expect(TracingIdentity.clusterSetting(via: .workplace, venueId: nil, sourceCaseId: "c1") == "workplace:c1")
        #expect(TracingIdentity.clusterSetting(via: .classmate, venueId: "v1", sourceCaseId: "c1") == "classmate:c1")
        #expect(TracingIdentity.clusterSetting(via: .household, venueId: nil, sourceCaseId: "c1")
            != TracingIdentity.clusterSetting(via: .household, venueId: nil, sourceCaseId: "c2"))
    }
}
