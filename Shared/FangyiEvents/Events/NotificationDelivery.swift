public import Foundation

/// The outcome of one attempt to deliver an alert to one subscriber.
///
/// Published on `notifications.deliveries.v1` as `fangyi.notification.delivery.recorded.v1`, keyed by the subscriber id.
/// Schema: `Schemas/notification.delivery.recorded.v1.json`.
/// Concurrency: a value type; `Sendable`, safe to pass between tasks.
public struct NotificationDelivery: KeyedEvent {
    /// The CloudEvents `ce_type` of this event.
    public static let eventType = "fangyi.notification.delivery.recorded.v1"

    /// The topic this event is published on: `notifications.deliveries.v1`.
    public static var topic: Topic { TopicCatalog.notificationDeliveries }

    /// The schema name; the schema URI is `https://fangyi.dev/schemas/notification.delivery.recorded.v1.json`.
    public static let schemaName = "notification.delivery.recorded.v1"

    /// The delivery id (one per alert and subscriber; attempts share it).
    public var deliveryId: String

    /// The alert delivered.
    public var alertId: String

    /// The subscriber.
    public var subscriberId: String

    /// How the alert was delivered.
    public var channel: DeliveryChannel

    /// The attempt number, 1 for the first.
    public var attempt: Int

    /// The outcome of this attempt.
    public var outcome: DeliveryOutcome

    /// The HTTP status code, for webhooks.
    public var statusCode: Int?

    /// What went wrong, for failed attempts (no personal data).
    public var error: String?

    /// When the attempt finished.
    public var at: Date

    /// The Kafka record key: the subscriber id.
    public var partitionKey: String { subscriberId }

    /// Creates the event from its fields; optional fields default to absent.
    public init(
        deliveryId: String,
        alertId: String,
        subscriberId: String,
        channel: DeliveryChannel,
        attempt: Int,
        outcome: DeliveryOutcome,
        statusCode: Int? = nil,
        error: String? = nil,
        at: Date
    ) {
        self.deliveryId = deliveryId
        self.alertId = alertId
        self.subscriberId = subscriberId
        self.channel = channel
        self.attempt = attempt
        self.outcome = outcome
        self.statusCode = statusCode
        self.error = error
        self.at = at
    }
}
