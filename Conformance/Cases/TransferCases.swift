import Foundation
import HandoffContract

/// XFER: transfer to a team by id or name; unknown and unavailable teams; the bot falls silent.
enum TransferCases {
    static func transferred(_ outcome: TransferOutcome, _ what: String) throws -> (Conversation, Team) {
        switch outcome {
        case .transferred(let conversation, let team): return (conversation, team)
        case .teamUnavailable(let team, let reason): throw CaseFailure("\(what): team \(team.name) reported unavailable (\(reason))")
        }
    }

    static let all: [ConformanceCase] = [
        ConformanceCase("XFER-001", .must, .core, rule: .transferByReference, "Transfer by team id queues the conversation for that team.")
        { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let team = try await ctx.availableTeam()
            let (queued, _) = try transferred(try await ctx.support.transfer(conversation.id, to: .id(team.id)), "transfer by id")
            try checkEqual(queued.state, .queued, "state")
            try checkEqual(queued.teamId, team.id, "teamId")
        },
        ConformanceCase(
            "XFER-002", .must, .core, rule: .transferByReference, "Transfer by team name queues the conversation for that team."
        ) { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let team = try await ctx.availableTeam()
            let (queued, named) = try transferred(try await ctx.support.transfer(conversation.id, to: .name(team.name)), "transfer by name")
            try checkEqual(queued.state, .queued, "state")
            try checkEqual(queued.teamId, team.id, "teamId")
            try checkEqual(named.id, team.id, "team in the outcome")
        },
        ConformanceCase("XFER-003", .should, .core, rule: .transferByReference, "A team name matches regardless of case.") { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let team = try await ctx.availableTeam()
            let (queued, _) = try transferred(
                try await ctx.support.transfer(conversation.id, to: .name(team.name.uppercased())), "transfer by upper-case name")
            try checkEqual(queued.teamId, team.id, "teamId")
        },
        ConformanceCase(
            "XFER-004", .must, .core, rule: .unknownTeam, "Transfer to an unknown team name is a clear error and changes nothing."
        ) { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            try await checkRefused(["unknown_team"], "transfer to an unknown team name") {
                _ = try await ctx.support.transfer(conversation.id, to: .name("No Such Team \(UUID().uuidString)"))
            }
            try checkEqual(try await ctx.support.conversation(id: conversation.id).state, .bot, "state after the refusal")
        },
        ConformanceCase("XFER-005", .must, .core, rule: .unknownTeam, "Transfer to an unknown team id is a clear error.") { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            try await checkRefused(["unknown_team"], "transfer to an unknown team id") {
                _ = try await ctx.support.transfer(conversation.id, to: .id("team_999999999"))
            }
        },
        ConformanceCase(
            "XFER-006", .must, .core, rule: .unavailableTeam,
            "Transfer to a team that cannot take it is the distinct outcome team_unavailable and changes nothing.",
            needs: [.agentDesk], exclusive: true
        ) { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let team = try await ctx.availableTeam()
            let desk = try ctx.desk
            _ = try await desk.setTeamOnline(team.id, online: false)
            let outcome: TransferOutcome
            do {
                outcome = try await ctx.support.transfer(conversation.id, to: .id(team.id))
            } catch {
                _ = try await desk.setTeamOnline(team.id, online: true)
                throw error
            }
            _ = try await desk.setTeamOnline(team.id, online: true)
            guard case .teamUnavailable(let reported, _) = outcome else {
                throw CaseFailure("transfer to an offline team: got a silent success, want team_unavailable")
            }
            try checkEqual(reported.id, team.id, "team in the outcome")
            let after = try await ctx.support.conversation(id: conversation.id)
            try checkEqual(after.state, .bot, "state after team_unavailable")
            try checkEqual(after.teamId, nil, "teamId after team_unavailable")
        },
        ConformanceCase("XFER-007", .must, .core, rule: .historyVisible, "History mirrored before the transfer is all there after it.") {
            ctx in
            let texts = ["I was charged twice", "Let me check", "Invoice INV-9", "Handing you over"]
            let messages = texts.enumerated().map { NewMessage(author: $0.offset.isMultiple(of: 2) ? .user : .bot, text: $0.element) }
            let (_, conversation, _) = try await ctx.handedOff(messages: messages)
            let listed = try await ctx.support.messages(in: conversation.id, after: nil, limit: nil)
            try checkEqual(listed.map(\.text), texts, "history after the transfer")
        },
        ConformanceCase(
            "XFER-008", .must, .core, rule: .historyVisible,
            "The team's agent sees the history mirrored before the transfer.", needs: [.agentDesk]
        ) { ctx in
            let texts = ["Hello", "Hi, how can I help?", "My app crashes"]
            let messages = texts.enumerated().map { NewMessage(author: $0.offset.isMultiple(of: 2) ? .user : .bot, text: $0.element) }
            let (_, conversation, team) = try await ctx.handedOff(messages: messages)
            let assigned = try await ctx.desk.accept(conversation.id, agentId: nil)
            try checkEqual(assigned.teamId, team.id, "team of the assigned conversation")
            let listed = try await ctx.support.messages(in: conversation.id, after: nil, limit: nil)
            try checkEqual(Array(listed.map(\.text).prefix(3)), texts, "history the agent sees")
        },
        ConformanceCase("XFER-009", .must, .core, rule: .botSilenced, "After the transfer a public bot message is refused.") { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            try await checkRefused(["bot_silenced"], "public bot message after the transfer") {
                _ = try await ctx.support.post(.init(author: .bot, text: "I'm still here"), to: conversation.id)
            }
            let listed = try await ctx.support.messages(in: conversation.id, after: nil, limit: nil)
            try check(!listed.contains { $0.author == .bot && $0.visibility == .public }, "the refused bot message was stored")
        },
        ConformanceCase("XFER-010", .must, .core, rule: .botSilenced, "After the transfer an internal bot note for the agent is accepted.")
        { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            let note = try await ctx.support.post(.init(author: .bot, text: "User verified", visibility: .internal), to: conversation.id)
            try checkEqual(note.visibility, .internal, "visibility of the note")
        },
        ConformanceCase(
            "XFER-011", .must, .core, rule: .botSilenced, "After the transfer the user's messages still reach the conversation."
        ) { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            let message = try await ctx.support.post(.init(author: .user, text: "Are you there?"), to: conversation.id)
            try checkEqual(message.author, .user, "author")
        },
        ConformanceCase(
            "XFER-012", .must, .core, rule: .botSilenced, "While an agent holds the conversation the bot stays silent.", needs: [.agentDesk]
        ) { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            _ = try await ctx.desk.accept(conversation.id, agentId: nil)
            try await checkRefused(["bot_silenced"], "public bot message while assigned") {
                _ = try await ctx.support.post(.init(author: .bot, text: "Can I help?"), to: conversation.id)
            }
        },
        ConformanceCase(
            "XFER-013", .should, .core, rule: .transferByReference,
            "A repeated transfer to the same team keeps the conversation queued there."
        ) { ctx in
            let (_, conversation, team) = try await ctx.handedOff()
            let (again, _) = try transferred(try await ctx.support.transfer(conversation.id, to: .id(team.id)), "repeated transfer")
            try checkEqual(again.state, .queued, "state")
            try checkEqual(again.teamId, team.id, "teamId")
        },
        ConformanceCase(
            "XFER-014", .must, .core, rule: .transferByReference,
            "Each team receives the conversations transferred to it, and no other team does."
        ) { ctx in
            let teams = try await ctx.support.teams().filter(\.availability.available)
            for team in teams {
                let (_, conversation) = try await ctx.freshConversation()
                let (queued, _) = try transferred(
                    try await ctx.support.transfer(conversation.id, to: .id(team.id)), "transfer to \(team.name)")
                try checkEqual(queued.teamId, team.id, "teamId after a transfer to \(team.name)")
            }
        },
        ConformanceCase("XFER-015", .must, .core, rule: .closeSession, "A closed conversation cannot be transferred.") { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            _ = try await ctx.support.close(conversation.id)
            let team = try await ctx.availableTeam()
            try await checkRefused(["conversation_closed", "invalid_transition"], "transfer of a closed conversation") {
                _ = try await ctx.support.transfer(conversation.id, to: .id(team.id))
            }
        },
    ]
}
