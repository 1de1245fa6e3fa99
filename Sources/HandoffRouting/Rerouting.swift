extension Router {
    /// What to do when teams turned out unable to take the conversation (a transfer answered
    /// ``HandoffContract/TransferOutcome/teamUnavailable(team:reason:)``).
    ///
    /// - A decision for a team not in `unavailable`, or a decision to stay with the bot, is returned
    ///   unchanged.
    /// - A decision for a team in `unavailable` moves to the first alternate not in `unavailable`
    ///   (see below); with none left, to the availability policy's `otherwise` (by default the
    ///   fallback): a team not in `unavailable`, the ask prompt without unavailable teams, or the bot.
    ///   Anything that leaves nothing to offer ends with the bot.
    /// - An ask decision loses the choices whose team is in `unavailable`.
    ///
    /// Alternates are followed depth first: an unavailable alternate's own alternates are tried
    /// before the next alternate in the list, and each team at most once. A client that learns
    /// about unavailable teams one transfer at a time should reroute its first decision with every
    /// team that failed so far; the answer is then the same as if it had known them all at once.
    ///
    /// - Parameter unavailable: Team names (``RoutingTeam/name``) known unable to take the conversation.
    public func reroute(_ decision: Decision, unavailable: Set<String>) -> Decision {
        switch decision.outcome {
        case .bot:
            return decision
        case .ask(let prompt):
            let kept = prompt.options.filter { !unavailable.contains($0.team.name) }
            guard kept.count < prompt.options.count else { return decision }
            var rerouted = decision
            let left = prompt.options.count - kept.count
            rerouted.considered.append("\(left) of the choices left out: their team cannot take the conversation")
            guard !kept.isEmpty else {
                rerouted.outcome = .bot
                rerouted.summary += "; but no choice's team can take the conversation — back to the bot"
                return rerouted
            }
            let renumbered = kept.enumerated().map { offset, option in
                var option = option
                option.number = offset + 1
                return option
            }
            rerouted.outcome = .ask(AskPrompt(question: prompt.question, options: renumbered, attempt: prompt.attempt))
            rerouted.summary += "; \(left) left out because their team cannot take the conversation"
            return rerouted
        case .team(let team):
            guard unavailable.contains(team.name) else { return decision }
            var considered = decision.considered
            considered.append("team '\(team.name)' cannot take the conversation")
            var visited: Set<String> = [team.name]
            let found = firstAlternate(
                of: team.name, unavailable: unavailable, visited: &visited, considered: &considered)
            if let name = found {
                return Decision(
                    outcome: .team(rules.resolve(name)), reason: .alternate(unavailable: team.name, team: name),
                    summary: "team '\(team.name)' cannot take the conversation; alternate '\(name)' is next",
                    considered: considered)
            }
            let policy = rules.effectiveOtherwise
            let why = "team '\(team.name)' cannot take the conversation and no alternate is left"
            considered.append("availability.otherwise: \(policy)")
            let reason = Decision.Reason.otherwise(unavailable: team.name, policy: policy)
            switch policy {
            case .team(let name) where !unavailable.contains(name):
                return Decision(
                    outcome: .team(rules.resolve(name)), reason: reason, summary: "\(why); otherwise: team '\(name)'",
                    considered: considered)
            case .team(let name):
                return Decision(
                    outcome: .bot, reason: reason,
                    summary: "\(why); otherwise: team '\(name)', which cannot take it either — back to the bot",
                    considered: considered)
            case .bot:
                return Decision(
                    outcome: .bot, reason: reason,
                    summary: "\(why); otherwise: bot — the conversation stays with the bot",
                    considered: considered)
            case .ask:
                let prompt = prompt(excluding: unavailable)
                guard !prompt.options.isEmpty else {
                    return Decision(
                        outcome: .bot, reason: reason,
                        summary: "\(why); otherwise: ask, but no choice's team can take it — back to the bot",
                        considered: considered)
                }
                let left = rules.ask.choices.count - prompt.options.count
                let note = left == 0 ? "" : " (\(left) left out: their team cannot take the conversation)"
                let choices = Self.count(prompt.options.count, "choice")
                return Decision(
                    outcome: .ask(prompt), reason: reason,
                    summary: "\(why); otherwise: ask the user to pick among \(choices)\(note)",
                    considered: considered)
            }
        }
    }

    /// The first alternate of `team` not in `unavailable`, depth first, visiting each team once.
    private func firstAlternate(
        of team: String, unavailable: Set<String>, visited: inout Set<String>, considered: inout [String]
    ) -> String? {
        let alternates = rules.availability.alternates[team] ?? []
        if !alternates.isEmpty {
            considered.append(
                "alternates of '\(team)', in order: " + alternates.map { "'\($0)'" }.joined(separator: ", "))
        }
        for name in alternates where !visited.contains(name) {
            visited.insert(name)
            guard unavailable.contains(name) else {
                considered.append("alternate '\(name)' is next")
                return name
            }
            considered.append("alternate '\(name)' cannot take it either")
            let found = firstAlternate(of: name, unavailable: unavailable, visited: &visited, considered: &considered)
            if let found { return found }
        }
        return nil
    }
}
