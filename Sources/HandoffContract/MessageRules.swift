/// The contract's rules on who may write what, when. The mock enforces them, the suite checks them
/// and the client obeys them from this one definition.
public enum MessageRules {
    /// Whether `author` may add a message with `visibility` to a conversation in `state`.
    ///
    /// - The bot mirrors user and bot messages while it is in charge (`bot`).
    /// - After a transfer the bot is silent: a public bot message is refused, an internal note passes.
    /// - User messages keep flowing to the human side (`queued`, `assigned`).
    /// - Agents write once the conversation is assigned; their internal notes pass while queued too.
    /// - A resolved conversation takes no more messages; a closed one takes nothing.
    public static func check(
        author: MessageAuthor, visibility: Visibility, state: ConversationState
    ) throws(ContractError) {
        switch state {
        case .closed: throw .conversationClosed
        case .resolved: throw .conversationResolved
        case .bot, .queued, .assigned: break
        }
        switch author {
        case .user:
            if visibility == .internal {
                throw .validation(field: "visibility", reason: "user messages are always public")
            }
        case .bot:
            if state.isWithHumans && visibility == .public { throw .botSilenced }
        case .agent:
            if state == .bot { throw .notAssigned }
            if state == .queued && visibility == .public { throw .notAssigned }
        case .system:
            break
        }
    }

    /// Whether a message is an event the bot must receive: only public agent messages.
    /// The bot never gets its own or the user's mirrored messages back, nor internal notes.
    public static func isDeliveredToBot(author: MessageAuthor, visibility: Visibility) -> Bool {
        author == .agent && visibility == .public
    }
}
