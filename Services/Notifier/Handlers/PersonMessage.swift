import FangyiEvents
import Foundation

/// What the message gateway receives for one order to a person: the only place contact
/// details leave the sealed blob, in the body of one HTTPS request to the configured gateway.
/// Never logged or published.
struct PersonMessage: Encodable {
    var messageId: String
    var kind: String
    var areaCode: String
    var to: String
    var name: String
    var language: String
    var title: String
    var text: String
    var dueBy: Date?

    /// The message for `alert` to the person whose contact `blob` holds, or why not.
    static func make(deliveryId: String, alert: Alert, blob: String?, sealer: ContactSealer?) -> Result<PersonMessage, MessageError> {
        guard let sealer else { return .failure(.init("contact key not configured (FANGYI_CONTACT_KEY)")) }
        guard let subject = alert.subjectRef else { return .failure(.init("the alert names no person")) }
        guard let blob, let sealed = try? JSONDecoder().decode(SealedBlob.self, from: Data(blob.utf8)) else {
            return .failure(.init("no contact details on file for the person yet"))
        }
        let details: ContactDetails
        do {
            details = try sealer.open(sealed, for: subject)
        } catch {
            return .failure(.init("sealed contact cannot be opened (key \(sealed.keyId))"))
        }
        let english = details.preferredLanguage?.lowercased().hasPrefix("en") == true
        return .success(PersonMessage(
            messageId: deliveryId, kind: alert.kind.rawValue, areaCode: alert.areaCode, to: details.phone, name: details.name,
            language: english ? "en" : "zh", title: english ? alert.title.en : alert.title.zh,
            text: english ? alert.body.en : alert.body.zh, dueBy: alert.dueBy))
    }

    struct MessageError: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
