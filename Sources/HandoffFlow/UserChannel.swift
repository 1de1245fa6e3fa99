import HandoffContract

/// Where the flow speaks to the end user: the bot's own channel (web chat, WhatsApp…).
public protocol UserChannel: Sendable {
    /// Shows the user a message, with structured choices when the channel supports them.
    func send(_ text: String, choices: [Choice]) async
}
