import Crypto
import Foundation
public import Hummingbird
import NIOCore

/// The bearer tokens a service's operator API accepts, kept only as SHA-256 digests so
/// that neither the environment nor a memory dump holds a usable token.
///
/// Concurrency: a value type; `Sendable`.
public struct OperatorTokens: Sendable, Equatable {
    /// The accepted digests (64 lowercase hex digits each).
    public let digests: Set<String>

    /// Accepts the tokens whose digests are given.
    public init(digests: Set<String>) {
        self.digests = digests
    }

    /// Whether no token is accepted (every request is refused).
    public var isEmpty: Bool { digests.isEmpty }

    /// Parses a comma-separated list of SHA-256 digests (hex) from `variable`.
    /// Throws ``ConfigurationError`` naming the variable when an entry is not a digest.
    public static func fromEnvironment(_ environment: EnvironmentReader, _ variable: EnvironmentVariable) throws(ConfigurationError) -> OperatorTokens {
        var digests = Set<String>()
        let list = environment.string(variable, default: "")
        for digest in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !digest.isEmpty {
            guard digest.count == 64, digest.allSatisfy(\.isHexDigit) else {
                throw ConfigurationError(code: ConfigurationError.invalidChoice, variable: variable.name, value: nil,
                                         reason: "each entry must be the 64-hex-digit SHA-256 of a token")
            }
            digests.insert(digest)
        }
        return OperatorTokens(digests: digests)
    }

    /// The hex SHA-256 digest of `token`, as operators compute it with `printf %s TOKEN | sha256sum`.
    public static func digest(of token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Throws a 401 problem (with `WWW-Authenticate` for `realm`) unless the request carries
    /// `Authorization: Bearer <token>` with an accepted token.
    public func authorize(_ request: Request, realm: String) throws(ProblemDetails) {
        guard let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw ProblemDetails(status: .unauthorized, detail: "send an operator token as `Authorization: Bearer <token>`",
                                 code: "auth.missing", headers: [.wwwAuthenticate: "Bearer realm=\"\(realm)\""])
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard digests.contains(Self.digest(of: token)) else {
            throw ProblemDetails(status: .unauthorized, detail: "the token is not an operator token", code: "auth.invalid",
                                 headers: [.wwwAuthenticate: "Bearer realm=\"\(realm)\", error=\"invalid_token\""])
        }
    }
}

extension ServiceHTTP {
    /// A 200 (or `status`) JSON response: ISO 8601 dates, sorted keys.
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
