import FangyiEvents
import FangyiIntake
import FangyiKafka
import FangyiService
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

// Intake's HTTP path against FangyiKafka's raw producer ceiling, on one mock cluster, in one run.
// Usage: fangyi-intake-bench [results] [rounds]
//   results: JSON results per throughput round (default 300,000, in requests of 10,000)
//   rounds:  each throughput measurement runs this many times; the best is compared (default 2)
//   phases:  comma-separated subset of stages,json,formats,latency (default all)
// The load generator runs in the same process and shares the 2 cores with intake and the
// mock brokers, so every figure is a lower bound for intake on a machine of its own.

func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[max(0, min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}

let arguments = Array(CommandLine.arguments.dropFirst())
let total = arguments.first.flatMap(Int.init) ?? 300_000
let rounds = arguments.dropFirst().first.flatMap(Int.init) ?? 2
let phases = Set((arguments.dropFirst(2).first ?? "stages,json,formats,latency").split(separator: ",").map(String.init))
let perRequest = 10_000
let logger: Logger = {
    var logger = Logger(label: "fangyi.intake-bench")
    logger.logLevel = .warning
    return logger
}()

let cluster = try MockCluster(brokers: 3, logger: logger)
for topic in [TopicCatalog.labResults, TopicCatalog.labReceipts, TopicCatalog.labSubmissions, TopicCatalog.labSubmissionsDeadLetter] {
    try cluster.createTopic(topic.name, partitions: 24)
}
let kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, clientID: "fangyi-intake-bench", statisticsInterval: nil)
let token = "bench-token"
let lab = LabAccount(id: "lab-bench", name: "bench", defaultAreaCode: "371502", tokenSHA256: [LabRegistry.hash(token: token)],
                     requestsPerSecond: 1_000_000)
let validator = ResultValidator(policy: .default, subjects: try SubjectRefGenerator(key: (0..<32).map { _ in UInt8.random(in: 0...255) }),
                                sealer: try ContactSealer(keys: [ContactKey(id: "bench", bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })]))

// MARK: Inputs

func nationalID(_ n: Int) -> String {
    let stem = String(format: "%06d19900101%03d", 110101 + n / 1000 % 800_000, n % 1000)
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(stem.compactMap(\.wholeNumberValue), weights).map(*).reduce(0, +)
    return stem + String(Array("10X98765432")[sum % 11])
}

func jsonItem(_ n: Int, run: String) -> String {
    """
    {"specimenId":"\(run)-\(n)","testCode":"94500-6","specimenType":"258529004","collectedAt":"2022-03-14T08:30:00+08:00",\
    "reportedAt":"2022-03-14T14:00:00+08:00","targets":[{"target":"ORF1ab","ct":\(20 + n % 20)},{"target":"N","ct":\(21 + n % 20)}],\
    "person":{"nationalId":"\(nationalID(n))","name":"张三","phone":"13800138000","areaCode":"371502"}}
    """
}

func jsonBody(_ range: Range<Int>, run: String) -> ByteBuffer {
    ByteBuffer(string: #"{"submissionId":"\#(run)-\#(range.lowerBound)","results":["# + range.map { jsonItem($0, run: run) }.joined(separator: ",") + "]}")
}

func hl7Body(_ range: Range<Int>, run: String) -> ByteBuffer {
    var text = ""
    for n in range {
        text += "MSH|^~\\&|LIS|lab-bench^2.16.840.1.113883.3.1^ISO|FANGYI|FANGYI|20220314140000+0800||ORU^R01^ORU_R01|\(run)-\(n)|P|2.5.1\r"
        text += "PID|1||\(nationalID(n))^^^CHN^NNCHN||Zhang^San||19900101|M|||Dongchang Rd^^Liaocheng^^252000^CHN^H^^371502||^PRN^PH^^^^13800138000\r"
        text += "ORC|RE||\(run)-\(n)\r"
        text += "OBR|1||\(run)-\(n)|94500-6^SARS-CoV-2 RNA NAA+probe^LN|||20220314083000+0800|||||||||||||||20220314140000+0800|||F\r"
        text += "OBX|1|CWE|94500-6^SARS-CoV-2 RNA NAA+probe^LN||260415000^Not detected^SCT||||||F|||20220314140000+0800\r"
        text += "OBX|2|NM|94511-3^ORF1ab Ct^LN||\(36 + n % 4)|{Ct}|||||F\r"
        text += "OBX|3|NM|94509-7^N gene Ct^LN||\(37 + n % 3)|{Ct}|||||F\r"
        text += "SPM|1|\(run)-\(n)||258529004^Throat swab^SCT|||||||||||||20220314083000+0800\r"
    }
    return ByteBuffer(string: text)
}

func fhirBody(_ range: Range<Int>, run: String) -> ByteBuffer {
    var entries: [String] = []
    for n in range {
        entries.append(#"{"fullUrl":"urn:uuid:p-\#(n)","resource":{"resourceType":"Patient","identifier":[{"system":"urn:oid:2.16.156.10011.1.1","value":"\#(nationalID(n))"}],"name":[{"text":"张三"}],"telecom":[{"system":"phone","value":"13800138000"}],"address":[{"district":"371502"}]}}"#)
        entries.append(#"{"fullUrl":"urn:uuid:s-\#(n)","resource":{"resourceType":"Specimen","identifier":[{"value":"\#(run)-\#(n)"}],"type":{"coding":[{"system":"http://snomed.info/sct","code":"258529004"}]},"collection":{"collectedDateTime":"2022-03-14T08:30:00+08:00"}}}"#)
        entries.append(#"{"fullUrl":"urn:uuid:o-\#(n)","resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"94500-6"}]},"subject":{"reference":"urn:uuid:p-\#(n)"},"specimen":{"reference":"urn:uuid:s-\#(n)"},"issued":"2022-03-14T14:00:00+08:00","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"260415000"}]},"component":[{"code":{"coding":[{"system":"http://loinc.org","code":"94511-3"}]},"valueQuantity":{"value":\#(36 + n % 4)}},{"code":{"coding":[{"system":"http://loinc.org","code":"94509-7"}]},"valueQuantity":{"value":\#(37 + n % 3)}}]}}"#)
    }
    return ByteBuffer(string: #"{"resourceType":"Bundle","type":"collection","entry":["# + entries.joined(separator: ",") + "]}")
}

func csvBody(_ range: Range<Int>, run: String) -> ByteBuffer {
    var text = "specimen_id,national_id,name,phone,area_code,test_code,result,orf1ab_ct,n_ct,specimen_type,collected_at,reported_at\r\n"
    for n in range {
        text += "\(run)-\(n),\(nationalID(n)),张三,13800138000,371502,94500-6,not detected,\(36 + n % 4),\(37 + n % 3),258529004,2022-03-14 08:30,2022-03-14 14:00\r\n"
    }
    return ByteBuffer(string: text)
}

// MARK: Running intake

func withProducer<T: Sendable>(_ body: @Sendable (KafkaProducer) async throws -> T) async throws -> T {
    let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka, linger: .milliseconds(2)), logger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await producer.run(); return nil }
        let result = try await body(producer)
        group.cancelAll()
        return result
    }
}

/// Runs intake's HTTP server on a loopback port for `body`.
func withIntake<T: Sendable>(_ producer: KafkaProducer, _ body: @Sendable (Int) async throws -> T) async throws -> T {
    var configuration = try IntakeConfiguration.fromEnvironment(EnvironmentReader([:]))
    configuration.requestsPerSecond = 1_000_000
    let processor = SubmissionProcessor(validator: validator, publisher: ResultPublisher(producer: producer), logger: logger)
    let router = ServiceHTTP.makeRouter()
    IntakeAPI(labs: LabDirectory(registry: try LabRegistry(labs: [lab]), logger: logger), processor: processor,
              configuration: configuration).register(on: router)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    // The server is cancelled at the end of each measurement; its shutdown complaints are not news.
    var quiet = logger
    quiet.logLevel = .critical
    let app = ServiceHTTP.makeApplication(router: router, host: "127.0.0.1", port: 0, serverName: "bench", logger: quiet) { port in
        continuation.yield(port ?? 0)
    }
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await app.runService(); return nil }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        let result = try await body(port)
        group.cancelAll()
        return result
    }
}

let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]

/// Posts `bodies` over `connections` connections; returns results per second (all must be accepted).
func postAll(port: Int, uri: String, type: String, bodies: [ByteBuffer], itemsPerBody: Int, connections: Int) async throws -> Double {
    var requestHeaders = headers
    requestHeaders[.contentType] = type
    let fields = requestHeaders
    let started = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<connections {
            group.addTask {
                try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(120))) { client in
                    for index in stride(from: worker, to: bodies.count, by: connections) {
                        let response = try await client.post(uri, headers: fields, body: bodies[index])
                        guard response.status == .ok else {
                            throw BenchError(message: "\(uri) answered \(response.status): \(String(buffer: response.body ?? ByteBuffer()).prefix(300))")
                        }
                    }
                }
            }
        }
        try await group.waitForAll()
    }
    return Double(bodies.count * itemsPerBody) / seconds(ContinuousClock.now - started)
}

struct BenchError: Error, CustomStringConvertible { var message: String; var description: String { message } }

say("mock cluster, 3 brokers, lab.results.v1 with 24 partitions; idempotent, acks=all, linger 2 ms; best of \(rounds) rounds")

// Baseline: the producer ceiling for the very records intake writes (built beforehand, so only Kafka is timed).
let baselineRecords: [KafkaProducerMessage] = (0..<min(total, 200_000)).compactMap { n in
    var item = SubmittedResult(pointer: "")
    item.specimenId = Located("base-\(n)", at: "")
    item.testCode = Located("94500-6", at: "")
    item.specimenType = Located("258529004", at: "")
    item.collectedAt = Located(Date(timeIntervalSince1970: 1_647_217_800), at: "")
    item.reportedAt = Located(Date(timeIntervalSince1970: 1_647_237_600), at: "")
    item.person.nationalId = Located(nationalID(n), at: "")
    item.person.name = "张三"
    item.person.phone = "13800138000"
    item.targets = [SubmittedTarget(name: Located("ORF1ab", at: ""), ct: Located(30, at: "")), SubmittedTarget(name: Located("N", at: ""), ct: Located(31, at: ""))]
    guard case .success(let accepted) = validator.validate(item, lab: lab, now: Date()) else { return nil }
    return try? ResultPublisher.record(for: accepted)
}
say("record size: \(baselineRecords.first.map { ($0.value?.count ?? 0) + ($0.key?.count ?? 0) + $0.headers.reduce(0) { $0 + $1.key.count + ($1.value?.count ?? 0) } } ?? 0) bytes (value, key and headers)")

// Where a JSON result's CPU goes, single-threaded, per stage (microseconds per result).
if phases.contains("stages") {
    let body = Array(jsonBody(0..<perRequest, run: "stage").readableBytesView)
    var clock = ContinuousClock.now
    func lap() -> Double {
        let now = ContinuousClock.now
        defer { clock = now }
        return seconds(now - clock) * 1e6 / Double(perRequest)
    }
    let items = try JSONResultReader().read(body).items
    let read = lap()
    let accepted = items.compactMap { item -> AcceptedResult? in
        guard case .read(let result) = item, case .success(let accepted) = validator.validate(result, lab: lab, now: Date()) else { return nil }
        return accepted
    }
    let validate = lap()
    let records = accepted.compactMap { try? ResultPublisher.record(for: $0) }
    let encode = lap()
    say(String(format: "CPU per JSON result, one core: read %.1f us, validate+seal %.1f us, event encoding %.1f us (%d records)",
               read, validate, encode, records.count))
}

var rawRates: [Double] = []
var intakeRates: [Double] = []
for round in 1...rounds where phases.contains("json") || phases.contains("formats") {
    let raw = try await withProducer { producer in
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for start in stride(from: worker * perRequest, to: baselineRecords.count, by: 4 * perRequest) {
                        let slice = Array(baselineRecords[start..<min(start + perRequest, baselineRecords.count)])
                        for result in await producer.send(batch: slice) { _ = try result.get() }
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(baselineRecords.count) / seconds(ContinuousClock.now - started)
    }
    rawRates.append(raw)
    guard phases.contains("json") else { continue }
    let run = "r\(round)-\(UUID().uuidString.prefix(6))"
    let bodies = stride(from: 0, to: total, by: perRequest).map { jsonBody($0..<min($0 + perRequest, total), run: run) }
    let rate = try await withProducer { producer in
        try await withIntake(producer) { port in
            try await postAll(port: port, uri: "/v1/results", type: "application/json", bodies: bodies, itemsPerBody: perRequest, connections: 4)
        }
    }
    intakeRates.append(rate)
    say(String(format: "round %d: raw producer %.0f records/s, intake JSON batches %.0f results/s", round, raw, rate))
}
let bestRaw = rawRates.max() ?? 1, bestIntake = intakeRates.max() ?? 0
if phases.contains("json") {
say(String(format: "JSON batches via HTTP   %10.0f results/s  raw producer ceiling %10.0f records/s  ratio %.2f  (target >= 100,000 results/s)",
           bestIntake, bestRaw, bestIntake / bestRaw))
}

// Other formats: rates only (same ceiling).
let formatCount = min(total, 50_000)
for (name, uri, type, make) in !phases.contains("formats") ? [] : [
    ("HL7 v2 batches", "/v1/results/hl7v2", "x-application/hl7-v2+er7", hl7Body),
    ("FHIR bundles", "/v1/results/fhir", "application/fhir+json", fhirBody),
    ("CSV exports", "/v1/results/csv", "text/csv", csvBody),
] as [(String, String, String, (Range<Int>, String) -> ByteBuffer)] {
    let per = 1_000
    let run = "\(name.prefix(3))-\(UUID().uuidString.prefix(6))"
    let bodies = stride(from: 0, to: formatCount, by: per).map { make($0..<min($0 + per, formatCount), run) }
    let rate = try await withProducer { producer in
        try await withIntake(producer) { port in
            try await postAll(port: port, uri: uri, type: type, bodies: bodies, itemsPerBody: per, connections: 4)
        }
    }
    say(String(format: "%-23@ %10.0f results/s  ratio to raw ceiling %.2f  (%d per request)", name as NSString, rate, rate / bestRaw, per))
}

// Latency: single-result POSTs at a fixed 2,000 requests/s (open loop: latency counts from the
// scheduled send time, so a stall is not hidden by the sender waiting), against the raw
// producer's send-to-ack at the same rate.
if phases.contains("latency") {
let rate = 2_000.0
let duration = 10.0
let requests = Int(rate * duration)
let singleBodies = (0..<requests).map { ByteBuffer(string: jsonItem($0, run: "lat-\(UUID().uuidString.prefix(4))-\($0)")) }

@Sendable func paced(connections: Int, _ send: @escaping @Sendable (Int, Int) async throws -> Void) async throws -> [Double] {
    let start = ContinuousClock.now
    return try await withThrowingTaskGroup(of: [Double].self) { group in
        for worker in 0..<connections {
            group.addTask {
                var latencies: [Double] = []
                for index in stride(from: worker, to: requests, by: connections) {
                    let due = start + .microseconds(Int64(Double(index) / rate * 1e6))
                    try await Task.sleep(until: due, clock: .continuous)
                    try await send(worker, index)
                    latencies.append(seconds(ContinuousClock.now - due) * 1000)
                }
                return latencies
            }
        }
        var all: [Double] = []
        for try await part in group { all += part }
        return all.sorted()
    }
}

let rawLatency = try await withProducer { producer in
    _ = try await producer.send(baselineRecords[0])  // warm-up: metadata and connections
    return try await paced(connections: 64) { _, index in
        _ = try await producer.send(baselineRecords[index % baselineRecords.count])
    }
}
let intakeLatency = try await withProducer { producer in
    try await withIntake(producer) { port in
        let clients = (0..<64).map { _ in TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(30))) }
        clients.forEach { $0.connect() }
        defer { for client in clients { Task { try? await client.shutdown() } } }
        // Warm up: every connection open and one result through, so the paced phase measures
        // steady state rather than 64 TCP handshakes landing on its first milliseconds.
        for (index, client) in clients.enumerated() {
            let response = try await client.post("/v1/results", headers: headers,
                                                 body: ByteBuffer(string: jsonItem(index, run: "warm-\(UUID().uuidString.prefix(4))")))
            guard response.status == .ok else { throw BenchError(message: "warm-up answered \(response.status)") }
        }
        return try await paced(connections: 64) { worker, index in
            let response = try await clients[worker].post("/v1/results", headers: headers, body: singleBodies[index])
            guard response.status == .ok else { throw BenchError(message: "single POST answered \(response.status)") }
        }
    }
}
say(String(format: "single-result POST @2,000/s  p50 %.2f ms  p99 %.2f ms  max %.2f ms | raw send-to-ack p50 %.2f ms  p99 %.2f ms | p99 ratio %.2f  (target p99 < 20 ms)",
           percentile(intakeLatency, 0.5), percentile(intakeLatency, 0.99), intakeLatency.last ?? 0,
           percentile(rawLatency, 0.5), percentile(rawLatency, 0.99),
           percentile(intakeLatency, 0.99) / max(percentile(rawLatency, 0.99), 0.001)))
}
