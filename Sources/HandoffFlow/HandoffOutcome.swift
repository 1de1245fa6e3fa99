import HandoffContract
import HandoffRouting

/// What a hand-off attempt ended in.
public enum HandoffOutcome: Sendable, Equatable {
    /// Transferred to this support team (after trying `unavailable` first, if any).
    case transferred(team: Team, routingTeam: String, unavailable: [String])
    /// The user was asked to pick a team; their reply goes to ``HandoffSession/userSaid(_:)``.
    case asking(AskPrompt)
    /// Nothing decided and the policy keeps the user with the bot.
    case stayedWithBot(reason: String)
}

/// What the bot should do with a user's message.
public enum UserTurn: Sendable, Equatable {
    /// The bot handles it (the conversation is with the bot).
    case forBot
    /// It was mirrored to the human team; the bot stays silent.
    case forwardedToHumans
    /// It answered the team question; the hand-off went on.
    case answeredAsk(HandoffOutcome)
    /// The user cancelled the question; back to the bot.
    case cancelledAsk
}

/// Where a session stands.
public enum SessionPhase: Sendable, Equatable {
    /// Not started.
    case idle
    /// The bot is in charge; history is mirrored.
    case withBot
    /// Waiting for the user to pick a team.
    case asking
    /// Handed to a team; the bot is silent.
    case withHumans
    /// Ended; the next contact starts a new session.
    case closed
}
