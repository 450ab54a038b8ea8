/// How an alert was delivered.
///
/// A closed set: decoding an unknown value fails with an error naming the field and the
/// allowed values (see ``ClosedStringEnum``). Concurrency: a value type; `Sendable`.
public enum DeliveryChannel: String, ClosedStringEnum {
    /// A signed webhook call.
    case webhook
    /// A server-sent-events stream.
    case serverSentEvents
    /// A message to a person (SMS or app).
    case personMessage
}
