import Foundation
import HandoffContract

/// A scripted agent for one team, for CI runs with nobody at the desk: it accepts each conversation
/// that reaches the team after a delay, replies from templates, and resolves after a number of replies
/// or a delay, whichever comes first. Set in the seed (`teams[].persona`) or with
/// `PUT /mock/v1/teams/{id}/persona`.
///
/// ```yaml
/// persona:
///   agent: Bea Billing          # one of the team's agents; default its first agent
///   acceptAfter: 2              # seconds after the conversation reaches the team; default 1
///   replyEvery: 3               # seconds between accepting (or the last reply) and the next reply; default 1
///   replies:                    # templates: {user}, {team}, {agent}, {lastUserMessage}
///     - "Hi {user}, {agent} from {team} here. You wrote: {lastUserMessage}"
///     - "That is sorted. Anything else?"
///   pick: inOrder               # or random (seeded: the same seed picks the same replies)
///   seed: 7
///   resolveAfterReplies: 2      # default: the number of templates
///   resolveAfter: 60            # optional: seconds after accepting
/// ```
///
/// Deterministic: times are measured on the mock's injected clock, and a random pick depends only on
/// the seed, the conversation's number and the reply's position.
public struct Persona: Sendable, Hashable, Codable {
    /// How replies are chosen from the templates.
    public enum Pick: String, Sendable, Hashable, Codable {
        /// First template, second, … and round again.
        case inOrder
        /// Seeded pseudo-random choice.
        case random
    }

    /// The agent who plays the persona, by name; nil for the team's first agent.
    public var agent: String?
    /// Seconds after a conversation reaches the team before it is accepted. Default 1.
    public var acceptAfter: Double
    /// Seconds between accepting (or the last reply) and the next reply. Default 1.
    public var replyEvery: Double
    /// Reply templates, with `{user}`, `{team}`, `{agent}` and `{lastUserMessage}`.
    public var replies: [String]
    /// In order (default) or seeded random.
    public var pick: Pick
    /// Seed of the random pick. Default 0.
    public var seed: UInt64
    /// Resolve after this many replies; nil means one reply per template.
    public var resolveAfterReplies: Int?
    /// Resolve this many seconds after accepting, if it comes before the last reply; nil for no limit.
    public var resolveAfter: Double?

    /// Creates a persona.
    public init(
        agent: String? = nil, acceptAfter: Double = 1, replyEvery: Double = 1, replies: [String] = [],
        pick: Pick = .inOrder, seed: UInt64 = 0, resolveAfterReplies: Int? = nil, resolveAfter: Double? = nil
    ) {
        self.agent = agent
        self.acceptAfter = acceptAfter
        self.replyEvery = replyEvery
        self.replies = replies
        self.pick = pick
        self.seed = seed
        self.resolveAfterReplies = resolveAfterReplies
        self.resolveAfter = resolveAfter
    }

    enum CodingKeys: String, CodingKey {
        case agent, acceptAfter, replyEvery, replies, pick, seed, resolveAfterReplies, resolveAfter
    }

    /// Decodes with every member optional (defaults as documented).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        agent = try c.decodeIfPresent(String.self, forKey: .agent)
        acceptAfter = try c.decodeIfPresent(Double.self, forKey: .acceptAfter) ?? 1
        replyEvery = try c.decodeIfPresent(Double.self, forKey: .replyEvery) ?? 1
        replies = try c.decodeIfPresent([String].self, forKey: .replies) ?? []
        pick = try c.decodeIfPresent(Pick.self, forKey: .pick) ?? .inOrder
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
        resolveAfterReplies = try c.decodeIfPresent(Int.self, forKey: .resolveAfterReplies)
        resolveAfter = try c.decodeIfPresent(Double.self, forKey: .resolveAfter)
    }

    /// Replies before resolving.
    public var replyCount: Int { resolveAfterReplies ?? replies.count }

    /// The first member that is out of bounds, as (member, reason); nil when the persona is usable.
    public func problem() -> (field: String, reason: String)? {
        let day = 86_400.0
        for (field, value) in [("acceptAfter", acceptAfter), ("replyEvery", replyEvery)] where !(0...day).contains(value) {
            return (field, "must be from 0 to \(Int(day)) seconds")
        }
        if let resolveAfter, !(0...day).contains(resolveAfter) { return ("resolveAfter", "must be from 0 to \(Int(day)) seconds") }
        if let count = resolveAfterReplies, !(0...100).contains(count) { return ("resolveAfterReplies", "must be from 0 to 100") }
        if replies.count > 50 { return ("replies", "at most 50 templates") }
        for (index, reply) in replies.enumerated() {
            if reply.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return ("replies[\(index)]", "must not be empty") }
            if reply.utf8.count > 4096 { return ("replies[\(index)]", "is longer than 4096 bytes") }
        }
        if replyCount > 0 && replies.isEmpty { return ("replies", "give templates to reply \(replyCount) times") }
        if let agent, agent.trimmingCharacters(in: .whitespaces).isEmpty { return ("agent", "must name one of the team's agents") }
        return nil
    }

    /// The template of reply `index` (from 0) in conversation `conversation`.
    public func template(reply index: Int, conversation: Int) -> String? {
        guard !replies.isEmpty else { return nil }
        switch pick {
        case .inOrder:
            return replies[index % replies.count]
        case .random:
            var generator = SplitMix64(seed: seed &+ UInt64(truncatingIfNeeded: conversation) &* 0x9E37_79B9_7F4A_7C15)
            var value: UInt64 = 0
            for _ in 0...index { value = generator.next() }
            return replies[Int(value % UInt64(replies.count))]
        }
    }

    /// A template with its placeholders filled in; unknown placeholders stay as written.
    public static func render(_ template: String, user: String, team: String, agent: String, lastUserMessage: String) -> String {
        template.replacingOccurrences(of: "{user}", with: user).replacingOccurrences(of: "{team}", with: team)
            .replacingOccurrences(of: "{agent}", with: agent).replacingOccurrences(of: "{lastUserMessage}", with: lastUserMessage)
    }

    /// One line for the desk: `accepts after 2 s, 2 replies every 3 s, then resolves`.
    public var summary: String {
        var parts = ["accepts after \(Self.seconds(acceptAfter))"]
        if replyCount > 0 { parts.append("\(replyCount) \(replyCount == 1 ? "reply" : "replies") every \(Self.seconds(replyEvery))") }
        parts.append(resolveAfter.map { "then resolves (at most \(Self.seconds($0)) after accepting)" } ?? "then resolves")
        return parts.joined(separator: ", ")
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
