import Foundation
import Testing
@testable import FangyiEvents

@Suite("Topic catalog")
struct TopicCatalogTests {
    @Test("the catalog holds exactly the ARCHITECTURE.md topics, each once")
    func names() {
        let names = TopicCatalog.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(Set(names) == [
            "lab.submissions.v1", "lab.results.v1", "lab.receipts.v1", "checkins.v1", "tracing.relations.v1",
            "clinical.assessments.v1", "tracing.cases.v1", "tracing.contacts.v1", "tracing.clusters.v1",
            "resources.allocations.v1", "resources.capacity.v1", "alerts.v1", "notifications.deliveries.v1",
            "lab.submissions.dlq.v1",
        ])
    }

    @Test("provisioning covers the catalog and one dead-letter topic per service group, each once")
    func provisionedTopics() {
        let provisioned = TopicCatalog.provisionedTopics
        #expect(Array(provisioned.prefix(TopicCatalog.all.count)) == TopicCatalog.all)
        #expect(Set(provisioned.map(\.name)).count == provisioned.count, "lab.submissions.dlq.v1 is not added twice")
        #expect(provisioned.filter(\.isDeadLetter).map(\.name) == [
            "lab.submissions.dlq.v1", "tracing.dlq.v1", "allocator.dlq.v1", "notifier.dlq.v1",
        ])
        #expect(TopicCatalog.consumerGroups == ["lab.submissions", "tracing", "allocator", "notifier"])
    }

    @Test("every event type maps to exactly one topic, the one it names")
    func eventTypesMapToOneTopic() {
        let types = TopicCatalog.eventTypes
        #expect(Set(types.map { $0.eventType }).count == types.count)
        for type in types {
            let carriers = TopicCatalog.all.filter { $0.carries(type.eventType) }
            #expect(carriers.map(\.name) == [type.topic.name], "\(type.eventType)")
            #expect(TopicCatalog.eventType(named: type.eventType) == type)
        }
        let listed = TopicCatalog.all.flatMap(\.eventTypes)
        #expect(listed.sorted() == types.map { $0.eventType }.sorted(), "topics list no unknown event types")
    }

    @Test("topic settings are sane for provisioning")
    func settings() throws {
        for topic in TopicCatalog.all {
            #expect(topic.partitions > 0 && topic.partitions <= 12, "\(topic)")
            #expect(topic.retentionMilliseconds >= 86_400_000, "\(topic)")
            #expect(!topic.key.isEmpty && !topic.summary.isEmpty)
            #expect(topic.kafkaConfig["cleanup.policy"] == "delete")
            #expect(topic.kafkaConfig["retention.ms"] == String(topic.retentionMilliseconds))
        }
        #expect(TopicCatalog.checkIns.retentionMilliseconds == 28 * 86_400_000)
        #expect(TopicCatalog.labResults.partitions == 12)
        #expect(TopicCatalog.checkIns.key == "venue id")
        #expect(TopicCatalog.labReceipts.key == "lab id")
        #expect(TopicCatalog.tracingClusters.key == "area code")
        #expect(TopicCatalog.topic(named: "alerts.v1") == TopicCatalog.alerts)
        #expect(TopicCatalog.topic(named: "alerts.v2") == nil)
    }

    @Test("partition keys follow each topic's key")
    func partitionKeys() throws {
        for sample in EventSamples.minimal {
            let key = sample.partitionKey
            #expect(!key.isEmpty)
            switch type(of: sample).topic.key {
            case "subject ref": #expect(SubjectRefGenerator.isSubjectRef(key), "\(type(of: sample))")
            case "venue id": #expect(key.hasPrefix("venue-"))
            case "area code": #expect(key.allSatisfy { $0.isNumber })
            default: break
            }
        }
    }

    @Test("dead-letter topics are <group>.dlq.v1 with legal names")
    func deadLetters() {
        let topic = Topic.deadLetterTopic(forGroup: "fangyi-tracing")
        #expect(topic.name == "fangyi-tracing.dlq.v1")
        #expect(topic.isDeadLetter)
        #expect(topic.key == "original key")
        #expect(topic.eventTypes.isEmpty)
        #expect(TopicCatalog.labSubmissionsDeadLetter.name == "lab.submissions.dlq.v1")
        #expect(Topic.deadLetterTopic(forGroup: "my group/ü").name == "my_group__.dlq.v1")
        #expect(Topic.deadLetterTopic(forGroup: "").name == "_.dlq.v1")
        #expect(Topic.deadLetterTopic(forGroup: String(repeating: "g", count: 400)).name.count == 249)
        #expect(!TopicCatalog.labResults.isDeadLetter)
    }
}
