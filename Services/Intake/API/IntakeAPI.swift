import FangyiEvents
import FangyiService
import Foundation
public import Hummingbird
import Logging
import NIOCore

/// The HTTP entry for labs: the four submission routes and `/openapi.yaml`.
///
/// Every route authenticates the lab (bearer token → ``LabRegistry``: 401 when missing or
/// unknown), applies the lab's rate limit (429 with Retry-After), reads at most
/// ``IntakeConfiguration/maxBodyBytes`` (413 before parsing), and answers each item's
/// outcome only after the broker acknowledged the accepted ones (503 with Retry-After
/// when it did not).
///
/// Concurrency: `Sendable`; handlers run concurrently.
public struct IntakeAPI: Sendable {
    /// The routes this API serves, as `METHOD path`; the OpenAPI document must describe exactly these.
    public static let routes: [(method: HTTPRequest.Method, path: String)] = [
        (.post, "/v1/results"), (.post, "/v1/results/fhir"), (.post, "/v1/results/hl7v2"), (.post, "/v1/results/csv"),
        (.get, "/openapi.yaml"),
    ]

    private let labs: LabDirectory
    private let processor: SubmissionProcessor
    private let limiter: RateLimiter
    private let configuration: IntakeConfiguration
    private let metrics: IntakeMetrics

    /// Creates the API.
    public init(labs: LabDirectory, processor: SubmissionProcessor, configuration: IntakeConfiguration, metrics: IntakeMetrics = IntakeMetrics()) {
        self.labs = labs
        self.processor = processor
        self.limiter = RateLimiter(burst: configuration.burst)
        self.configuration = configuration
        self.metrics = metrics
    }

    /// Adds the routes to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.post("/v1/results") { request, context in
            try await self.handle(request, context: context, format: .json) { body, lab in
                let submission = try JSONResultReader().read(body)
                return (submission.submissionId, submission.items)
            }
        }
        router.post("/v1/results/fhir") { request, context in
            let ndjson = Self.mediaType(of: request).map { $0.hasSuffix("ndjson") } ?? false
            return try await self.handle(request, context: context, format: .fhir) { body, _ in
                ndjson ? (nil, FHIRReader().read(ndjson: body)) : (nil, try FHIRReader().read(bundle: body))
            }
        }
        router.post("/v1/results/csv") { request, context in
            try await self.handle(request, context: context, format: .csv) { body, _ in
                (nil, try CSVReader().read(body))
            }
        }
        router.post("/v1/results/hl7v2") { request, context in
            try await self.handleHL7(request, context: context)
        }
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"],
                     body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
        }
    }

    // MARK: Submissions answered in JSON

    private func handle<Context: RequestContext>(
        _ request: Request, context: Context, format: SubmissionFormat,
        read: @escaping @Sendable (_ body: [UInt8], _ lab: LabAccount) throws -> (String?, [SubmissionItem])
    ) async throws -> Response {
        do {
            let lab = try admit(request)
            return try await withinRequestDeadline(request) { body in
                let receivedAt = Date()
                let (submissionId, items): (String?, [SubmissionItem])
                do {
                    (submissionId, items) = try read(body, lab)
                } catch let error as IntakeProblem {
                    throw ProblemDetails(status: .badRequest, title: "Unreadable submission", detail: error.message,
                                         code: error.code, pointer: error.pointer, type: SubmissionResponse.problemType(error.code))
                }
                try Self.requireOwnLab(items, lab: lab)
                let outcomes = await self.processor.process(items, lab: lab, format: format, now: receivedAt)
                let response = SubmissionResponse(submissionId: submissionId, labId: lab.id, receivedAt: receivedAt, outcomes: outcomes)
                let status: HTTPResponse.Status = response.unavailable > 0 ? .serviceUnavailable
                    : (response.accepted == 0 && response.rejected > 0 ? .unprocessableContent : .ok)
                var headers: HTTPFields = [.contentType: "application/json"]
                if response.unavailable > 0 { headers[.retryAfter] = "5" }
                self.metrics.request(format: format, status: status.code)
                return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: response.json())))
            }
        } catch let problem as ProblemDetails {
            metrics.request(format: format, status: problem.statusCode)
            throw problem
        }
    }

    // MARK: HL7 v2, answered with ACKs

    private func handleHL7<Context: RequestContext>(_ request: Request, context: Context) async throws -> Response {
        let format = SubmissionFormat.hl7v2
        do {
            let lab = try admit(request)
            return try await withinRequestDeadline(request) { body in
                let receivedAt = Date()
                let text = String(decoding: body, as: UTF8.self)
                let messages = HL7v2Reader().read(text)
                guard !messages.isEmpty else {
                    throw ProblemDetails(status: .badRequest, title: "Unreadable submission", detail: "the body holds no HL7 v2 message (no MSH segment)",
                                         code: "hl7.msh.missing", pointer: "message[1]/MSH[1]", type: SubmissionResponse.problemType("hl7.msh.missing"))
                }
                // One publish for the whole body; each message's slice of outcomes builds its ACK.
                var items: [SubmissionItem] = []
                var ranges: [Range<Int>] = []
                for message in messages {
                    let start = items.count
                    if message.messageProblem == nil { items.append(contentsOf: message.items) }
                    ranges.append(start..<items.count)
                }
                try Self.requireOwnLab(items, lab: lab)
                let allItems = items
                let outcomes = await self.processor.process(allItems, lab: lab, format: format, now: receivedAt)
                var acks: [String] = []
                var unavailable = false
                for (message, range) in zip(messages, ranges) {
                    let perItem: [HL7v2ItemOutcome] = outcomes[range].map { outcome in
                        switch outcome.kind {
                        case .accepted(let eventID): return .accepted(eventID: eventID)
                        case .rejected(let problem): return .rejected(problem)
                        case .unavailable(let error):
                            unavailable = true
                            return .rejected(IntakeProblem(code: "broker.unavailable",
                                                           message: "not written (\(error.name)); resend the message, nothing is doubled",
                                                           pointer: "message[\(message.index)]/MSH[1]-10"))
                        }
                    }
                    let controlID = EventID.string(EventID.derive(["hl7-ack", lab.id, message.controlID ?? "", String(message.index)]))
                    acks.append(HL7v2Acknowledgement.make(for: message, outcomes: perItem, now: receivedAt,
                                                          controlID: String(controlID.replacingOccurrences(of: "-", with: "").prefix(20))))
                }
                let status: HTTPResponse.Status = unavailable ? .serviceUnavailable : .ok
                var headers: HTTPFields = [.contentType: "x-application/hl7-v2+er7; charset=utf-8"]
                if unavailable { headers[.retryAfter] = "5" }
                self.metrics.request(format: format, status: status.code)
                let joined = acks.map { $0.hasSuffix("\r") ? $0 : $0 + "\r" }.joined(separator: "\n")
                return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: joined)))
            }
        } catch let problem as ProblemDetails {
            metrics.request(format: format, status: problem.statusCode)
            throw problem
        }
    }

    // MARK: Admission: authentication, rate limit, body

    /// Authenticates the lab, applies its rate limit and refuses a declared body over the limit.
    private func admit(_ request: Request) throws -> LabAccount {
        guard let authorization = request.headers[.authorization],
              authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else {
            throw ProblemDetails(status: .unauthorized, detail: "send the lab's token as `Authorization: Bearer <token>`",
                                 code: "auth.missing", headers: [.wwwAuthenticate: "Bearer realm=\"fangyi-intake\""])
        }
        let token = String(authorization.dropFirst(7)).trimmingWhitespace
        guard let lab = labs.current.authenticate(token: token) else {
            throw ProblemDetails(status: .unauthorized, detail: "the token is not registered for any lab", code: "auth.invalid",
                                 headers: [.wwwAuthenticate: "Bearer realm=\"fangyi-intake\", error=\"invalid_token\""])
        }
        if let wait = limiter.acquire(lab: lab.id, rate: lab.requestsPerSecond ?? configuration.requestsPerSecond, now: .now) {
            let seconds = max(1, Int(wait.seconds.rounded(.up)))
            throw ProblemDetails(status: .tooManyRequests, detail: "the lab's request rate is limited; retry after \(seconds) s",
                                 code: "rate.limited", headers: [.retryAfter: String(seconds)])
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes {
            throw Self.tooLarge(configuration.maxBodyBytes)
        }
        return lab
    }

    /// Reads the body (at most the limit) and runs `work` on it.
    ///
    /// Time is bounded without a timer per request: the server closes a connection that
    /// stays silent for the idle timeout (a stalled upload), publishing is bounded by the
    /// producer's delivery timeout (then 503), and a large or chunked body must arrive
    /// within the request timeout (408). Small bodies arrive with their headers.
    private func withinRequestDeadline(_ request: Request,
                                       _ work: @escaping @Sendable ([UInt8]) async throws -> Response) async throws -> Response {
        let limit = configuration.maxBodyBytes
        let declared = request.headers[.contentLength].flatMap(Int.init)
        let buffer: ByteBuffer
        do {
            if let declared, declared <= Self.smallBody {
                buffer = try await request.body.collect(upTo: limit)
            } else {
                buffer = try await withDeadline(configuration.requestTimeout) { try await request.body.collect(upTo: limit) }
            }
        } catch is DeadlineExceededError {
            throw ProblemDetails(status: .requestTimeout, detail: "the request body did not arrive in time", code: "request.timeout")
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Self.tooLarge(limit)
        }
        return try await work(Array(buffer.readableBytesView))
    }

    /// Bodies up to this size are read without a timer of their own (the idle timeout covers them).
    private static let smallBody = 64 * 1024

    /// 403 when every readable item names another lab: the token's lab may submit only under its own id.
    private static func requireOwnLab(_ items: [SubmissionItem], lab: LabAccount) throws {
        let stated = items.compactMap { item -> Located<String>? in
            if case .read(let result) = item { return result.labId }
            return nil
        }
        if !stated.isEmpty, stated.count == items.count, stated.allSatisfy({ $0.value != lab.id }) {
            throw ProblemDetails(status: .forbidden, detail: "the submission names another lab than the token's; a lab submits only under its own lab id",
                                 code: "lab.mismatch", pointer: stated[0].pointer)
        }
    }

    private static func tooLarge(_ limit: Int) -> ProblemDetails {
        ProblemDetails(status: .contentTooLarge, detail: "the body is larger than \(limit) bytes; split the submission", code: "body.too_large")
    }

    private static func mediaType(of request: Request) -> String? {
        request.headers[.contentType]?.split(separator: ";").first.map { String($0).normalizedCode }
    }
}
