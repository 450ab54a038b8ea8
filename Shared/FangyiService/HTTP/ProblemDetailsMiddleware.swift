public import Hummingbird
import Logging

/// Makes every error response an RFC 9457 `application/problem+json` body.
///
/// - ``ProblemDetails`` passes through unchanged.
/// - ``ProblemDetailsConvertible`` errors are converted.
/// - Hummingbird's `HTTPError` (404 for unknown routes, 400 for undecodable
///   bodies, 413...) keeps its status, and its message becomes `detail`.
/// - Any other `HTTPResponseError` is left to produce its own response.
/// - Anything else is logged with the request's logger and answered with a
///   generic 500 that reveals nothing about the error.
///
/// Install it first on the router so it wraps every route and the not-found responder.
///
/// Concurrency: stateless; `Sendable`.
public struct ProblemDetailsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    /// Runs the rest of the chain and converts what it throws.
    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as ProblemDetails {
            throw problem
        } catch let error as any ProblemDetailsConvertible {
            throw error.problemDetails
        } catch let error as HTTPError {
            throw ProblemDetails(status: error.status, detail: error.body, headers: error.headers)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            context.logger.error(
                "unhandled error in request handler",
                metadata: ["error": "\(String(reflecting: error))", "http.path": "\(request.uri.path)"]
            )
            throw ProblemDetails(
                status: .internalServerError,
                detail: "The server failed to handle this request.",
                code: "http.internal_error"
            )
        }
    }
}
