/// An error that knows how to present itself to an HTTP client.
///
/// Domain and validation errors adopt this so that handlers can simply `throw`
/// them; ``ProblemDetailsMiddleware`` turns them into RFC 9457 responses.
///
/// Concurrency: conformers are errors and therefore `Sendable`.
public protocol ProblemDetailsConvertible: Error {
    /// The problem to send for this error. Must not contain personal data.
    var problemDetails: ProblemDetails { get }
}
