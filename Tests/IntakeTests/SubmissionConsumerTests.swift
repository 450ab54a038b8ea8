import FangyiEvents
import FangyiIntake
import FangyiKafka
import FangyiService
import FangyiTesting
import Foundation
import Testing

@Suite("Intake Kafka entry (lab.submissions.v1)")
struct SubmissionConsumerTests {
    static func envelope(_ record: KafkaMessage) throws -> EventEnvelope {
        try EventEnvelope(headers: record.headers.map { ($0.key, $0.value) }, value: record.value ?? [])
    }

    @Test("valid items are published, invalid ones dead-lettered with reasons, and every item gets a receipt")
    func submissionsFromKafka() async throws {
        try await IntakeHarness.run { intake in
            let consumer = try KafkaConsumer(
                configuration: intake.kafka.consumerConfiguration(group: TopicCatalog.labSubmissionsGroup),
                topics: [TopicCatalog.labSubmissions.name], logger: intake.kafka.logger)
            let entry = SubmissionConsumer(consumer: consumer, producer: intake.producer, processor: intake.processor,
                                           labs: intake.labs, logger: intake.logs.logger("fangyi.intake.kafka"))
            let running = Task { try await entry.run() }
            defer { running.cancel() }
            let body = Samples.batch([Samples.jsonResult(specimen: "K-1"), Samples.jsonResult(specimen: "K-2", orf1ab: 80)],
                                     submissionId: "kafka-sub-1")
            try await intake.kafka.withProducer { producer in
                try await producer.send(KafkaProducerMessage(topic: TopicCatalog.labSubmissions.name, key: Array("lab-a".utf8),
                                                             value: Array(body.utf8), headers: [KafkaHeader(key: "content-type", string: "application/json")]))
                try await producer.send(KafkaProducerMessage(topic: TopicCatalog.labSubmissions.name, key: Array("lab-unknown".utf8),
                                                             value: Array(body.utf8)))
                try await producer.send(KafkaProducerMessage(topic: TopicCatalog.labSubmissions.name, key: Array("lab-a".utf8),
                                                             value: Array("not json".utf8)))
            }
            let results = try await intake.records(on: TopicCatalog.labResults.name, group: "kafka-results") { $0.count >= 1 }
            #expect(results.count == 1)
            let event = try Self.envelope(results[0]).decode(LabResultRecorded.self)
            #expect(event.specimenId == "K-1")

            let dead = try await intake.records(on: TopicCatalog.labSubmissionsDeadLetter.name, group: "kafka-dlq") { $0.count >= 3 }
            #expect(dead.count == 3)
            let codes = dead.map { $0.headers.first { $0.key == DeadLetter.Header.errorCode }?.stringValue }
            #expect(Set(codes) == ["ct.out_of_range", "lab.unknown", "json.invalid"])
            let itemProblem = dead.first { $0.headers.contains { $0.key == DeadLetter.Header.errorCode && $0.stringValue == "ct.out_of_range" } }
            let detail = itemProblem?.headers.first { $0.key == SubmissionConsumer.problemHeader }?.stringValue
            #expect(detail?.hasPrefix("1|ct.out_of_range|/results/1/targets/0/ct|") == true, "\(detail ?? "no problem header")")
            #expect(itemProblem?.value == Array(body.utf8), "the dead letter keeps the original submission")

            let receipts = try await intake.records(on: TopicCatalog.labReceipts.name, group: "kafka-receipts") { $0.count >= 4 }
            #expect(receipts.count == 4)
            let decoded = try receipts.map { try Self.envelope($0).decode(LabReceipt.self) }
            let forSubmission = decoded.filter { $0.submissionId == "kafka-sub-1" && $0.labId == "lab-a" }.sorted { $0.itemIndex < $1.itemIndex }
            #expect(forSubmission.map(\.outcome) == [.accepted, .rejected])
            #expect(forSubmission.first?.eventId == EventID.string(EventID.derive(LabResultRecorded.self, from: ["lab-a", "K-1", "v1"])))
            #expect(forSubmission.last?.problem?.code == "ct.out_of_range")
            #expect(decoded.contains { $0.labId == "lab-unknown" && $0.problem?.code == "lab.unknown" })
        }
    }
}
