/// A lab known to intake: who it is, where it works, and the hashes of its credentials.
///
/// Read from the labs registry file (``LabRegistry``). Concurrency: a value type; `Sendable`.
public struct LabAccount: Sendable, Equatable {
    /// The lab's id, as labs write it in MSH-4, CSV `lab_id` and JSON `labId`.
    public var id: String
    /// A display name for operators.
    public var name: String
    /// The area code used for a person whose own area the lab did not send.
    public var defaultAreaCode: String?
    /// Lowercase hex SHA-256 of each bearer token the lab may use (several during a rotation).
    public var tokenSHA256: [String]
    /// The lab's own request rate limit (requests per second), overriding the service default.
    public var requestsPerSecond: Double?

    /// Creates an account.
    public init(id: String, name: String, defaultAreaCode: String? = nil, tokenSHA256: [String], requestsPerSecond: Double? = nil) {
        self.id = id
        self.name = name
        self.defaultAreaCode = defaultAreaCode
        self.tokenSHA256 = tokenSHA256
        self.requestsPerSecond = requestsPerSecond
    }
}
