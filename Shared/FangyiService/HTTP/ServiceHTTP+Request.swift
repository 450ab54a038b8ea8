import FangyiEvents
import Foundation
public import Hummingbird
import NIOCore

extension ServiceHTTP {
    /// The JSON request body as `T`; a body that is not valid JSON for `T` is a 422 problem
    /// naming the field and why.
    public static func decode<T: Decodable>(_ type: T.Type, from request: Request, maxBytes: Int = 1 << 20) async throws -> T {
        let body = try await request.body.collect(upTo: maxBytes)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch {
            let problem = EnvelopeError.decoding(error, eventType: "the request body")
            throw ProblemDetails(status: .unprocessableContent, detail: problem.message, code: "request.invalid", pointer: problem.field)
        }
    }

    /// The whole-number query parameter `name` within `range`, or `defaultValue` when absent;
    /// otherwise a 400 problem naming it.
    public static func integerQuery(_ request: Request, _ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws(ProblemDetails) -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw ProblemDetails(status: .badRequest, detail: "`\(name)` must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                                 code: "query.invalid_\(name)", pointer: "/\(name)")
        }
        return value
    }
}
