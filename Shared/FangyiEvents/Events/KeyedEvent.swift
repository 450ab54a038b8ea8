/// A ``FangyiEvent`` that knows its Kafka record key.
///
/// Every event type in this module conforms, so producers (and the outbox) can derive the key
/// from the payload instead of repeating the topic catalog's rule at every call site.
///
/// Concurrency: `partitionKey` is a pure function of the value.
public protocol KeyedEvent: FangyiEvent {
    /// The Kafka record key, as described by the topic's ``Topic/key``: for example the subject
    /// ref on `lab.results.v1` or the venue id on `checkins.v1`.
    var partitionKey: String { get }
}
