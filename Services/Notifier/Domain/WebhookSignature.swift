public import Crypto
import FangyiService
public import Foundation

/// How webhook deliveries are signed, following the Standard Webhooks scheme
/// (https://www.standardwebhooks.com), so receivers can use its libraries:
///
/// - `webhook-id`: the delivery id (the same on every retry: receivers drop repeats by it);
/// - `webhook-timestamp`: seconds since 1970 when this attempt was signed;
/// - `webhook-signature`: `v1,` + base64 of HMAC-SHA256 over `id.timestamp.body`, keyed with
///   the secret's bytes (the secret is shown once, as `whsec_` + base64, at registration).
///
/// Receivers recompute the HMAC, compare in constant time, and refuse timestamps more than
/// five minutes from their clock (replays).
/// Concurrency: pure functions.
public enum WebhookSignature {
    /// The header names.
    public static let idHeader = "webhook-id"
    public static let timestampHeader = "webhook-timestamp"
    public static let signatureHeader = "webhook-signature"
    /// The prefix of a secret as shown to the subscriber.
    public static let secretPrefix = "whsec_"
    /// How far a timestamp may be from the receiver's clock.
    public static let tolerance: TimeInterval = 300

    /// A new random secret (32 bytes), as shown to the subscriber.
    public static func newSecret() -> String {
        secretPrefix + Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
    }

    /// The key bytes of a `whsec_` secret; nil when it is not one.
    public static func key(ofSecret secret: String) -> SymmetricKey? {
        guard secret.hasPrefix(secretPrefix), let bytes = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))),
              bytes.count >= 16 else { return nil }
        return SymmetricKey(data: bytes)
    }

    /// The `webhook-signature` value for one attempt.
    public static func sign(id: String, timestamp: Int64, body: some DataProtocol, key: SymmetricKey) -> String {
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: Data("\(id).\(timestamp).".utf8))
        mac.update(data: body)
        return "v1," + Data(mac.finalize()).base64EncodedString()
    }

    /// Whether a delivery's headers and body verify against `secret` at `now`: what a
    /// receiver does (one of the space-separated signatures must match; the timestamp must be
    /// within ``tolerance``).
    public static func verify(id: String, timestamp: String, signatures: String, body: some DataProtocol, secret: String,
                              now: Date = Date()) -> Bool {
        guard let key = key(ofSecret: secret), let seconds = Int64(timestamp),
              abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else { return false }
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: Data("\(id).\(seconds).".utf8))
        mac.update(data: body)
        let expected = Data(mac.finalize())
        for candidate in signatures.split(separator: " ") where candidate.hasPrefix("v1,") {
            if let given = Data(base64Encoded: String(candidate.dropFirst(3))), given.count == expected.count,
               zip(given, expected).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 {
                return true
            }
        }
        return false
    }
}

/// When a failed delivery is tried again: exponential backoff with jitter.
/// Concurrency: pure.
public enum RetryBackoff {
    /// The delay before attempt `attempt + 1` after `attempt` failed (1-based): the base
    /// doubled per attempt, capped, then a random point in its upper half ("equal jitter"),
    /// so a receiver that comes back is not hit by every retry at once.
    public static func delay(afterAttempt attempt: Int, base: Duration, cap: Duration, random: Double) -> Duration {
        let exponential = min(cap.seconds, base.seconds * pow(2, Double(max(0, attempt - 1))))
        let jittered = exponential / 2 + exponential / 2 * min(max(random, 0), 1)
        return .milliseconds(Int64((jittered * 1000).rounded()))
    }
}
