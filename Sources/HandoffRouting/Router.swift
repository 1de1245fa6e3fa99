import HandoffContract

/// Decides which team a conversation goes to, from rules and what the bot knows. No I/O, no
/// state: the same input always gives the same ``Decision``.
///
/// Precedence, first that decides wins:
/// 1. **Dynamic rules**, in file order: the first rule whose conditions all hold.
/// 2. **Unfinished intents**, most recent first: the most recent intent that matches any pattern
///    decides. An intent that matches nothing is skipped and the next older one is tried, so an
///    unrelated small-talk intent on top of the stack does not hide the billing question below it.
///    Older intents are not looked at once one matches.
/// 3. Among the patterns matching that intent: the exact pattern beats every wildcard, a wildcard
///    with more segments beats one with fewer; equal patterns (only possible in rules built in code,
///    the loader refuses them) go to the team that comes first in the file.
/// 4. **Fallback**: ask the user, a team, or stay with the bot.
///
/// A team name that no team declares (only possible in rules built in code) is taken as the
/// support-side team's name.
public struct Router: Sendable {
    /// The rules it decides with.
    public let rules: RoutingRules
    private let index: PatternIndex

    /// Creates a router over validated rules (see ``RulesLoader``).
    public init(rules: RoutingRules) {
        self.rules = rules
        self.index = PatternIndex(teams: rules.teams)
    }

    /// Decides where a conversation goes.
    ///
    /// - Parameters:
    ///   - unfinishedIntents: The unfinished intents, most recent first.
    ///   - attributes: Conversation attributes, for dynamic rules.
    ///   - slots: Slot values, for dynamic rules.
    public func decide(
        unfinishedIntents: [String], attributes: [String: JSONValue] = [:], slots: [String: JSONValue] = [:]
    ) -> Decision {
        var considered: [String] = []
        for (position, rule) in rules.rules.enumerated() {
            let title = rule.title(index: position)
            if let failing = rule.conditions.first(where: { !$0.holds(attributes: attributes, slots: slots) }) {
                considered.append(
                    "\(title): does not apply — \(failing.observed(attributes: attributes, slots: slots)), "
                        + "it needs \(failing)")
                continue
            }
            let conditions = rule.conditions.map(\.description).joined(separator: " and ")
            considered.append("\(title): applies — \(conditions)")
            let team = rules.resolve(rule.team)
            return Decision(
                outcome: .team(team), reason: .rule(index: position, rule: rule),
                summary: "\(title) applies (\(conditions)): team '\(team.name)'; dynamic rules come before intents",
                considered: considered)
        }
        if rules.rules.isEmpty { considered.append("no dynamic rules") }
        var skipped: [String] = []
        for (position, intent) in unfinishedIntents.enumerated() {
            let title = "intent '\(intent)' (\(Self.ordinal(position)))"
            let candidates = index.candidates(for: intent)
            guard let winner = candidates.first else {
                considered.append("\(title): no pattern matches")
                skipped.append(intent)
                continue
            }
            let team = rules.teams[winner.team]
            let matches = candidates.map(describe).joined(separator: ", ")
            considered.append("\(title): matches \(matches); '\(winner.pattern)' wins")
            var summary = "\(title) matched \(kind(of: winner.pattern)) '\(winner.pattern)'"
            if let line = winner.pattern.line { summary += " (line \(line))" }
            summary += " of team '\(team.name)'"
            if let runnerUp = candidates.dropFirst().first { summary += "; " + why(winner, beats: runnerUp) }
            if !skipped.isEmpty {
                summary += "; the more recent \(skipped.map { "'\($0)'" }.joined(separator: ", ")) matched no pattern"
            }
            return Decision(
                outcome: .team(team),
                reason: .intent(intent: intent, position: position, pattern: winner.pattern, team: team.name),
                summary: summary, considered: considered)
        }
        let nothing =
            unfinishedIntents.isEmpty ? "there is no unfinished intent" : "no unfinished intent matched a pattern"
        if unfinishedIntents.isEmpty { considered.append(nothing) }
        return fallback(because: "no rule applied and \(nothing)", considered: considered)
    }

    /// Decides from a conversation's context: its `intents` (most recent first), with `intent` put
    /// in front when it is set and not already first, plus its attributes and slots.
    public func decide(context: ConversationContext) -> Decision {
        var intents = context.intents
        if let intent = context.intent, intents.first != intent { intents.insert(intent, at: 0) }
        return decide(unfinishedIntents: intents, attributes: context.attributes, slots: context.slots)
    }

    /// The fallback's decision.
    private func fallback(because why: String, considered: [String]) -> Decision {
        var considered = considered
        considered.append("fallback: \(rules.fallback)")
        switch rules.fallback {
        case .team(let name):
            let team = rules.resolve(name)
            return Decision(
                outcome: .team(team), reason: .fallback(.team(name)),
                summary: "\(why); fallback: team '\(team.name)'", considered: considered)
        case .bot:
            return Decision(
                outcome: .bot, reason: .fallback(.bot),
                summary: "\(why); fallback: bot — the conversation stays with the bot", considered: considered)
        case .ask:
            let prompt = prompt()
            guard !prompt.options.isEmpty else {
                return Decision(
                    outcome: .bot, reason: .fallback(.ask),
                    summary:
                        "\(why); fallback: ask, but there is no choice to offer — the conversation stays with the bot",
                    considered: considered)
            }
            return Decision(
                outcome: .ask(prompt), reason: .fallback(.ask),
                summary: "\(why); fallback: ask the user to pick among \(Self.count(prompt.options.count, "choice"))",
                considered: considered)
        }
    }

    /// The ask prompt with the choices whose team is not in `unavailable`, numbered from 1.
    public func prompt(excluding unavailable: Set<String> = []) -> AskPrompt {
        let options = rules.ask.choices.filter { !unavailable.contains($0.team) }.enumerated().map { offset, choice in
            AskPrompt.Option(
                number: offset + 1, label: choice.label, team: rules.resolve(choice.team), synonyms: choice.synonyms)
        }
        return AskPrompt(question: rules.ask.prompt, options: options)
    }

    /// A new ask exchange on the rules' ask policy, leaving out teams in `unavailable` (also as the
    /// give-up team, which then means back to the bot).
    public func askSession(excluding unavailable: Set<String> = []) -> AskSession {
        let giveUp = rules.giveUpTeam.flatMap { unavailable.contains($0.name) ? nil : $0 }
        return AskSession(
            prompt: prompt(excluding: unavailable), retry: rules.ask.retry, maxReasks: rules.ask.maxReasks,
            cancelWords: rules.ask.cancelWords, giveUpTeam: giveUp)
    }

    // MARK: Explanations

    /// `most recent` for 0, `#2` for 1…
    static func ordinal(_ position: Int) -> String {
        position == 0 ? "#1, most recent" : "#\(position + 1)"
    }

    private func kind(of pattern: IntentPattern) -> String {
        pattern.isWildcard ? "wildcard" : "exact pattern"
    }

    private func describe(_ entry: PatternIndex.Entry) -> String {
        let pattern = entry.pattern
        var text = "'\(pattern)' → \(rules.teams[entry.team].name) ("
        text += pattern.isWildcard ? "wildcard, \(segments(pattern.segments.count))" : "exact"
        if let line = pattern.line { text += ", line \(line)" }
        return text + ")"
    }

    private func why(_ winner: PatternIndex.Entry, beats other: PatternIndex.Entry) -> String {
        let otherTeam = rules.teams[other.team].name
        if winner.pattern.isWildcard != other.pattern.isWildcard {
            return "exact beats wildcard '\(other.pattern)' of team '\(otherTeam)'"
        }
        if winner.pattern.segments.count != other.pattern.segments.count {
            return
                "\(segments(winner.pattern.segments.count)) beat the shorter '\(other.pattern)' of team '\(otherTeam)'"
        }
        return "the same pattern in team '\(otherTeam)' comes later in the file"
    }

    private func segments(_ count: Int) -> String {
        Self.count(count, "segment")
    }

    /// `1 choice`, `3 choices`.
    static func count(_ number: Int, _ noun: String) -> String {
        number == 1 ? "1 \(noun)" : "\(number) \(noun)s"
    }
}
