/// Where a conversation stands. The only transitions allowed are those of ``ConversationState/apply(_:)``.
///
/// ```
/// bot ──transfer──▶ queued ──accept──▶ assigned ──resolve──▶ resolved
///                    ▲   └─────────resolve──────────────────▶ ▲
///                    └──transfer (to another team)── assigned
/// any state ──close──▶ closed (final)
/// ```
public enum ConversationState: String, Sendable, Hashable, Codable, CaseIterable {
    /// The bot is in charge; history is being mirrored.
    case bot
    /// Transferred to a team; no agent has taken it yet.
    case queued
    /// An agent took it.
    case assigned
    /// The agent is done.
    case resolved
    /// The bot closed the session. Final.
    case closed

    /// True while a human side owns the conversation (the bot must stay silent).
    public var isWithHumans: Bool { self == .queued || self == .assigned }

    /// True once nothing more can happen but a close (resolved) or nothing at all (closed).
    public var isFinished: Bool { self == .resolved || self == .closed }
}

/// Something that moves a conversation from one state to another.
public enum ConversationTransition: String, Sendable, Hashable, Codable {
    /// The bot (or an agent) hands the conversation to a team.
    case transfer
    /// An agent takes the conversation.
    case accept
    /// An agent is done.
    case resolve
    /// The bot ends the session.
    case close
}

extension ConversationState {
    /// The state after `transition`, or a ``ContractError`` saying why it is not allowed.
    ///
    /// Closing is idempotent: closing a closed conversation leaves it closed.
    public func apply(_ transition: ConversationTransition) throws(ContractError) -> ConversationState {
        switch (self, transition) {
        case (_, .close): return .closed
        case (.closed, _): throw .conversationClosed
        case (.bot, .transfer), (.queued, .transfer), (.assigned, .transfer): return .queued
        case (.queued, .accept), (.assigned, .accept): return .assigned
        case (.queued, .resolve), (.assigned, .resolve): return .resolved
        case (.resolved, .resolve): return .resolved
        default:
            throw .invalidTransition(from: self, transition: transition)
        }
    }
}
