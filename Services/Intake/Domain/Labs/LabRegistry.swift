import Crypto
import Foundation

/// The labs allowed to submit results, and the hashes of their bearer tokens.
///
/// The registry file is JSON:
/// ```json
/// {"labs": [{"id": "lab-lc-001", "name": "Liaocheng CDC lab", "defaultAreaCode": "371502",
///            "tokenSHA256": ["<64 hex>"], "requestsPerSecond": 50}]}
/// ```
/// Only SHA-256 hashes of tokens are stored (`printf %s "$TOKEN" | sha256sum`), so the file
/// can be read by operators without revealing a credential. Several hashes per lab allow a
/// rotation without downtime.
///
/// Concurrency: an immutable value; `Sendable`.
public struct LabRegistry: Sendable {
    /// Every lab, by id.
    public let labs: [String: LabAccount]
    private let labByTokenHash: [String: String]

    /// Builds a registry. Throws when two labs share an id or a token hash, or a hash is not 64 hex digits.
    public init(labs: [LabAccount]) throws(IntakeProblem) {
        var byID: [String: LabAccount] = [:]
        var byHash: [String: String] = [:]
        for (index, lab) in labs.enumerated() {
            let pointer = "/labs/\(index)"
            guard !lab.id.isEmpty, lab.id.utf8.count <= ResultValidator.maxIdentifierLength else {
                throw IntakeProblem(code: "labs.id_invalid", message: "a lab id must be 1 to 64 characters", pointer: pointer + "/id")
            }
            guard byID[lab.id] == nil else {
                throw IntakeProblem(code: "labs.duplicate_id", message: "lab id '\(lab.id)' appears twice", pointer: pointer + "/id")
            }
            byID[lab.id] = lab
            for (hashIndex, hash) in lab.tokenSHA256.enumerated() {
                let normalized = hash.lowercased()
                guard normalized.utf8.count == 64, normalized.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
                    throw IntakeProblem(code: "labs.hash_invalid", message: "a token hash is 64 hexadecimal digits (SHA-256)",
                                        pointer: pointer + "/tokenSHA256/\(hashIndex)")
                }
                guard byHash[normalized] == nil else {
                    throw IntakeProblem(code: "labs.duplicate_token", message: "two labs share a token", pointer: pointer + "/tokenSHA256/\(hashIndex)")
                }
                byHash[normalized] = lab.id
            }
        }
        self.labs = byID
        self.labByTokenHash = byHash
    }

    /// Reads the registry file's contents.
    public init(json: [UInt8]) throws(IntakeProblem) {
        let file: RegistryFile
        do {
            file = try JSONDecoder().decode(RegistryFile.self, from: Data(json))
        } catch {
            throw IntakeProblem(code: "labs.unreadable", message: "the labs registry is not valid: \(error)", pointer: "")
        }
        try self.init(labs: file.labs.map {
            LabAccount(id: $0.id, name: $0.name ?? $0.id, defaultAreaCode: $0.defaultAreaCode,
                       tokenSHA256: $0.tokenSHA256 ?? [], requestsPerSecond: $0.requestsPerSecond)
        })
    }

    /// The lab whose token this is, or nil.
    public func authenticate(token: String) -> LabAccount? {
        guard let id = labByTokenHash[Self.hash(token: token)] else { return nil }
        return labs[id]
    }

    /// The lowercase hex SHA-256 of `token`, as the registry stores it.
    public static func hash(token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
    }

    private struct RegistryFile: Decodable {
        struct Lab: Decodable {
            var id: String
            var name: String?
            var defaultAreaCode: String?
            var tokenSHA256: [String]?
            var requestsPerSecond: Double?
        }
        var labs: [Lab]
    }
}
