import Foundation
public import Hummingbird

/// An RFC 9457 problem details object, sent as `application/problem+json`.
///
/// Throw it from a Hummingbird handler (it is an `HTTPResponseError`) or return
/// it. Besides the standard members it carries `code`, a stable
/// machine-readable error code, and `pointer`, an RFC 6901 JSON pointer to the
/// offending field of the request body (e.g. `/results/3/ct_value`).
///
/// Concurrency: a value type; `Sendable`.
public struct ProblemDetails: Error, Sendable, Hashable, Codable, HTTPResponseError, CustomStringConvertible {
    /// The media type of a problem details body.
    public static let mediaType = "application/problem+json"

    /// A URI identifying the problem type; `about:blank` when the status says it all.
    public var type: String
    /// A short summary of the problem type, the same for every occurrence.
    public var title: String
    /// The HTTP status code, repeated in the body.
    public var statusCode: Int
    /// What went wrong in this occurrence, for a person.
    public var detail: String?
    /// A URI identifying this occurrence, typically the request path.
    public var instance: String?
    /// A stable machine-readable error code, e.g. `intake.invalid_ct_value`.
    public var code: String?
    /// An RFC 6901 JSON pointer to the offending request field.
    public var pointer: String?
    /// Extra response headers (e.g. `Retry-After` on 503); not part of the body.
    public var headers: HTTPFields

    /// Creates a problem.
    ///
    /// - Parameters:
    ///   - status: The HTTP status.
    ///   - title: Short summary; defaults to the status' reason phrase.
    ///   - detail: What went wrong here.
    ///   - code: Stable error code.
    ///   - pointer: JSON pointer to the offending field.
    ///   - type: Problem type URI; defaults to `about:blank`.
    ///   - instance: URI of this occurrence.
    ///   - headers: Extra response headers.
    public init(
        status: HTTPResponse.Status,
        title: String? = nil,
        detail: String? = nil,
        code: String? = nil,
        pointer: String? = nil,
        type: String = "about:blank",
        instance: String? = nil,
        headers: HTTPFields = [:]
    ) {
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.statusCode = status.code
        self.detail = detail
        self.instance = instance
        self.code = code
        self.pointer = pointer
        self.headers = headers
    }

    /// The HTTP status (`HTTPResponseError`).
    public var status: HTTPResponse.Status {
        HTTPResponse.Status(code: self.statusCode)
    }

    /// `<status> <title>[: detail] [code]`, for logs.
    public var description: String {
        var text = "\(self.statusCode) \(self.title)"
        if let detail { text += ": \(detail)" }
        if let code { text += " [\(code)]" }
        return text
    }

    enum CodingKeys: String, CodingKey {
        case type, title, statusCode = "status", detail, instance, code, pointer
    }

    /// Decodes the body members; ``headers`` start empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.type = try container.decodeIfPresent(String.self, forKey: .type) ?? "about:blank"
        self.statusCode = try container.decode(Int.self, forKey: .statusCode)
        self.title = try container.decodeIfPresent(String.self, forKey: .title) ?? HTTPResponse.Status(code: self.statusCode).reasonPhrase
        self.detail = try container.decodeIfPresent(String.self, forKey: .detail)
        self.instance = try container.decodeIfPresent(String.self, forKey: .instance)
        self.code = try container.decodeIfPresent(String.self, forKey: .code)
        self.pointer = try container.decodeIfPresent(String.self, forKey: .pointer)
        self.headers = [:]
    }

    /// Encodes the body members (not ``headers``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.type, forKey: .type)
        try container.encode(self.title, forKey: .title)
        try container.encode(self.statusCode, forKey: .statusCode)
        try container.encodeIfPresent(self.detail, forKey: .detail)
        try container.encodeIfPresent(self.instance, forKey: .instance)
        try container.encodeIfPresent(self.code, forKey: .code)
        try container.encodeIfPresent(self.pointer, forKey: .pointer)
    }

    /// The problem as an `application/problem+json` response with ``status`` and ``headers``.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var problem = self
        if problem.instance == nil {
            problem.instance = request.uri.path
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(problem)
        var headers = self.headers
        headers[.contentType] = Self.mediaType
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
