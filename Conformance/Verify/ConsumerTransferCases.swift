import HandoffContract
import HandoffRouting

/// The cases about the handoff itself: accepted transfers, the rules' team, the bot's silence, and the
/// truth when the team cannot take the conversation.
extension ConsumerCatalogue {
    static let acceptedTransfers = ConsumerCase(
        "CON-004", .must, rule: .unknownTeam,
        "Every transfer named a team that exists in a body the support system accepts, and completed the handoff"
    ) { evidence in
        let names = evidence.teams.map { "\($0.name) (\($0.id))" }.joined(separator: ", ")
        for conversation in try transferred(evidence) {
            for transfer in conversation.transfers where !transfer.transferred && transfer.outcome != "team_unavailable" {
                let named = transfer.reference?.text ?? "no team"
                let why: String
                switch transfer.outcome {
                case "unknown_team": why = "named \(named), which does not exist (unknown_team); the teams are \(names)"
                case "validation_failed":
                    why =
                        "was refused as invalid (validation_failed, HTTP \(transfer.record.status ?? 0)): name the team with "
                        + "{\"teamId\": …} or {\"teamName\": …}"
                default:
                    why = "was refused with \(transfer.outcome) (HTTP \(transfer.record.status.map(String.init) ?? "no answer"))"
                }
                let after =
                    conversation.handoff.map { " (a later transfer at #\($0.record.seq) succeeded)" }
                    ?? ", and no transfer succeeded afterwards: the user was left waiting for nobody"
                throw fail(
                    "\(conversation.id): the transfer at journal #\(transfer.record.seq) \(why)\(after)", [transfer.record])
            }
            if let pending = conversation.assignedButPending {
                throw fail(
                    "\(conversation.id): the team was assigned at journal #\(pending.record.seq), but the bot never opened the "
                        + "conversation (no toggle_status {\"status\":\"open\"}): it stays pending, where agents do not look",
                    [pending.record])
            }
        }
    }

    /// The support-side team a transfer went to (or named).
    static func resolve(_ transfer: HandoffTrace.Transfer, _ teams: [Team]) -> Team? {
        if let id = transfer.teamId, let team = teams.first(where: { $0.id == id }) { return team }
        switch transfer.reference {
        case .id(let id)?: return teams.first { $0.id == id }
        case .name(let name)?: return teams.first { $0.name.lowercased() == name.lowercased() }
        case nil: return nil
        }
    }

    /// The context the routing rules read: the conversation's, with a Chatwoot connector's plain `intent`
    /// custom attribute taken as the intent.
    static func routingContext(_ conversation: HandoffTrace.ConversationTrace) -> ConversationContext? {
        guard var context = conversation.final?.context else { return nil }
        if context.intent == nil, let intent = context.attributes["intent"]?.stringValue {
            context.intent = intent
            context.attributes["intent"] = nil
        }
        return context
    }

    static let routedTeam = ConsumerCase(
        "CON-005", .must, rule: .transferByReference,
        "The transfer went to the team the routing rules pick for the conversation's intent, attributes and slots"
    ) { evidence in
        guard let router = evidence.router else {
            throw CaseSkip(reason: "no routing rules given: give --rules FILE so verify can tell the right team from the wrong one")
        }
        for conversation in try handedOff(evidence) {
            guard let handoff = conversation.handoff, let context = routingContext(conversation) else { continue }
            let team = resolve(handoff, evidence.teams)
            // Teams that answered team_unavailable before the handoff: the rules' alternates take their place.
            var unavailable: Set<String> = []
            for refused in conversation.transfers where refused.outcome == "team_unavailable" && refused.record.seq < handoff.record.seq {
                if let support = resolve(refused, evidence.teams) { unavailable.formUnion(router.rules.teamNames(for: support)) }
            }
            let decision = router.reroute(router.decide(context: context), unavailable: unavailable)
            let named = team.map { "\($0.name) (\($0.id))" } ?? handoff.reference?.text ?? "no team"
            func matches(_ routing: RoutingTeam) -> Bool {
                guard let team else { return false }
                return router.rules.teamNames(for: team).contains(routing.name)
            }
            let intent = context.intent.map { "intent '\($0)'" } ?? "no intent"
            switch decision.outcome {
            case .team(let routing):
                if !matches(routing) {
                    throw fail(
                        "\(conversation.id) (\(intent)): the rules pick '\(routing.name)' (\(routing.supportTeamDescription)) — "
                            + "\(decision.summary) — but the connector transferred to \(named) (journal #\(handoff.record.seq))",
                        [conversation.opened, handoff.record].compactMap { $0 })
                }
            case .ask(let prompt):
                let offered = prompt.options.map(\.team) + (router.askSession().giveUpTeam.map { [$0] } ?? [])
                if !offered.contains(where: matches) {
                    throw fail(
                        "\(conversation.id) (\(intent)): the rules ask the user to pick (\(decision.summary)); the choices are "
                            + prompt.options.map { "'\($0.label)'" }.joined(separator: ", ")
                            + ", but the connector transferred to \(named), which none of them leads to",
                        [handoff.record])
                }
            case .bot:
                throw fail(
                    "\(conversation.id) (\(intent)): the rules keep this conversation with the bot (\(decision.summary)), "
                        + "but the connector transferred it to \(named)", [handoff.record])
            }
        }
    }

    static let silentAfterTransfer = ConsumerCase(
        "CON-006", .must, rule: .botSilenced, "No public bot message after the transfer (a refused attempt counts)"
    ) { evidence in
        for conversation in try handedOff(evidence) {
            guard let handoff = conversation.handoff else { continue }
            let backToBot = conversation.resolved?.seq ?? Int.max
            let spoken = conversation.posts.filter {
                $0.record.seq > handoff.record.seq && $0.record.seq < backToBot && $0.author == .bot && $0.visibility == .public
            }
            if let first = spoken.first {
                let refused = first.record.succeeded ? "and the mock stored it" : "refused with \(first.record.error ?? "an error")"
                throw fail(
                    "\(conversation.id): the bot wrote '\(first.text ?? "…")' in public at journal #\(first.record.seq), after "
                        + "the transfer at #\(handoff.record.seq) (\(refused)); once humans have the conversation the bot "
                        + "must stay silent — an internal note is allowed", [handoff.record] + spoken.map(\.record))
            }
        }
    }

    static let truthWhenUnavailable = ConsumerCase(
        "CON-011", .must, rule: .unavailableTeam,
        "When the team could not take the conversation, the connector told the user the truth: another team took it, or "
            + "the user heard that nobody is available — never a promise of a human with no transfer"
    ) { evidence in
        var judged = 0
        for conversation in try opened(evidence) {
            guard let refusal = conversation.transfers.first(where: { $0.outcome == "team_unavailable" }) else { continue }
            judged += 1
            let laterHandoff = conversation.transfers.first { $0.transferred && $0.record.seq > refusal.record.seq }
            let until = laterHandoff?.record.seq ?? Int.max
            let told = conversation.posts.filter {
                $0.record.seq > refusal.record.seq && $0.record.seq < until && $0.author == .bot && $0.visibility == .public
            }
            // The user's last word from the bot is what the user believes: a promise there, with no transfer, is a lie.
            if laterHandoff == nil, let promise = told.last, HumanPromise.promisesHuman(promise.text ?? "") {
                throw fail(
                    "\(conversation.id): the transfer at journal #\(refusal.record.seq) was refused (team_unavailable), yet the "
                        + "bot told the user '\(promise.text ?? "")' at #\(promise.record.seq) and no transfer succeeded: the "
                        + "user waits for a human who is not coming", [refusal.record, promise.record])
            }
            if laterHandoff == nil && !told.contains(where: { HumanPromise.saysNobody($0.text ?? "") }) {
                let said = told.first.map { " (the bot only said '\($0.text ?? "")')" } ?? ""
                throw fail(
                    "\(conversation.id): the transfer at journal #\(refusal.record.seq) was refused (team_unavailable) and the "
                        + "connector ignored it: no alternate team was tried and the user was never told that nobody is "
                        + "available\(said); try the rules' alternate, ask the user, or say so", [refusal.record] + told.map(\.record))
            }
        }
        if judged == 0 {
            throw CaseSkip(
                reason: "no transfer was refused with team_unavailable during the run: make a team unavailable for one run "
                    + "(PUT /mock/v1/teams/{id}/availability) or use --drive, whose DRV-006 does")
        }
    }
}
