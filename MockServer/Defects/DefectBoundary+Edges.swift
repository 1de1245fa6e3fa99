import Foundation

/// The defects that sit at the mock's edges rather than around an operation: what the change pipeline emits, how
/// the Chatwoot face renders, what HTTP accepts, and how deliveries are sent. Each is a question the edge asks.
extension DefectBoundary {
    /// Whether agent actions make neutral events (`no-agent-events`).
    var emitsNeutralEvents: Bool { !has(.noAgentEvents) }
    /// Whether a neutral event carries its user's ids (`events-without-user`).
    var eventsCarryUser: Bool { !has(.eventsWithoutUser) }

    /// Whether Chatwoot's webhook `event` is sent (`cw-no-message-webhooks`, `cw-no-status-webhooks`).
    func emitsChatwootWebhook(_ event: String) -> Bool {
        switch event {
        case "message_created": !has(.cwNoMessageWebhooks)
        case "conversation_status_changed": !has(.cwNoStatusWebhooks)
        default: true
        }
    }

    /// Whether REST answers write `message_type` as a string (`cw-string-message-type-in-rest`).
    var restMessageTypeAsString: Bool { has(.cwStringMessageTypeInREST) }
    /// Whether webhooks write `message_type` as an integer (`cw-integer-message-type-in-webhooks`).
    var webhookMessageTypeAsInteger: Bool { has(.cwIntegerMessageTypeInWebhooks) }
    /// Whether the agent bot may call routes outside its whitelist (`cw-no-bot-whitelist`).
    var botWhitelistOff: Bool { has(.cwNoBotWhitelist) }

    /// Whether a long-poll sleeps its whole wait (`slow-long-poll`).
    var slowLongPoll: Bool { has(.slowLongPoll) }
    /// Whether request bodies may be 64 MiB (`no-body-limit`).
    var bodyLimitLifted: Bool { has(.noBodyLimit) }
    /// Whether bad query parameters fall back to defaults (`ignore-bad-query`).
    var lenientQuery: Bool { has(.ignoreBadQuery) }
    /// Whether any token, or none, is let in (`accept-any-token`).
    var acceptsAnyToken: Bool { has(.acceptAnyToken) }
    /// Whether a request naming another workspace's id is served there (`leak-across-workspaces`).
    var leaksAcrossWorkspaces: Bool { has(.leakAcrossWorkspaces) }

    /// Whether webhooks are sent at all (`no-webhooks`).
    var sendsWebhooks: Bool { !has(.noWebhooks) }
    /// Whether a delivery keeps its id across attempts (`unstable-delivery-id`).
    var stableDeliveryIds: Bool { !has(.unstableDeliveryId) }
    /// Whether a failed delivery is retried (`no-webhook-retry`).
    var retriesWebhooks: Bool { !has(.noWebhookRetry) }
}
