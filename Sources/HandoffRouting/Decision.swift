/// Where a conversation goes, why, and what was considered on the way.
///
/// ``Router`` makes decisions; they are plain values, equal for equal inputs.
public struct Decision: Sendable, Hashable {
    /// Where the conversation goes.
    public enum Outcome: Sendable, Hashable {
        /// Transfer to this team.
        case team(RoutingTeam)
        /// Ask the user to pick; start an ``AskSession`` to run the exchange.
        case ask(AskPrompt)
        /// No handoff: the conversation stays with the bot.
        case bot
    }

    /// What decided.
    public enum Reason: Sendable, Hashable {
        /// A dynamic rule applied (`index` is its 0-based position in the file).
        case rule(index: Int, rule: DynamicRule)
        /// An unfinished intent matched a pattern (`position` 0 is the most recent intent).
        case intent(intent: String, position: Int, pattern: IntentPattern, team: String)
        /// Nothing decided, so the fallback did.
        case fallback(FallbackPolicy)
        /// The decided team could not take the conversation; this alternate (perhaps an alternate's
        /// alternate) is next.
        case alternate(unavailable: String, team: String)
        /// The decided team could not take the conversation and no alternate was left, so the
        /// availability policy's `otherwise` (or the fallback) did.
        case otherwise(unavailable: String, policy: FallbackPolicy)
    }

    /// Where the conversation goes.
    public var outcome: Outcome
    /// What decided.
    public var reason: Reason
    /// One sentence saying which rule or pattern won and why.
    public var summary: String
    /// Everything looked at, in order: each rule and why it did or did not apply, each intent and
    /// the patterns it matched, then the fallback or availability steps.
    public var considered: [String]

    /// Creates a decision.
    public init(outcome: Outcome, reason: Reason, summary: String, considered: [String]) {
        self.outcome = outcome
        self.reason = reason
        self.summary = summary
        self.considered = considered
    }

    /// The team, when the outcome is a transfer.
    public var team: RoutingTeam? {
        if case .team(let team) = outcome { team } else { nil }
    }
}
