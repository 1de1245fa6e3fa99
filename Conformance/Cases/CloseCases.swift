import Foundation
import HandoffContract

/// CLOSE: closing the session, and the next contact back with the bot.
enum CloseCases {
    static let all: [ConformanceCase] = [
        ConformanceCase("CLOSE-001", .must, .core, rule: .closeSession, "Closing a conversation ends it on the support side.") { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            let closed = try await ctx.support.close(conversation.id)
            try checkEqual(closed.state, .closed, "state after close")
            try checkEqual(try await ctx.support.conversation(id: conversation.id).state, .closed, "state read back")
        },
        ConformanceCase("CLOSE-002", .must, .core, rule: .closeSession, "Closing twice is not an error and leaves it closed.") { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            _ = try await ctx.support.close(conversation.id)
            let again = try await ctx.support.close(conversation.id)
            try checkEqual(again.state, .closed, "state after the second close")
        },
        ConformanceCase("CLOSE-003", .must, .core, rule: .closeSession, "A closed conversation refuses later messages.") { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            _ = try await ctx.support.post(.init(author: .user, text: "before"), to: conversation.id)
            _ = try await ctx.support.close(conversation.id)
            try await checkRefused(["conversation_closed"], "user message after close") {
                _ = try await ctx.support.post(.init(author: .user, text: "after"), to: conversation.id)
            }
            try await checkRefused(["conversation_closed"], "bot message after close") {
                _ = try await ctx.support.post(.init(author: .bot, text: "after"), to: conversation.id)
            }
            let listed = try await ctx.support.messages(in: conversation.id, after: nil, limit: nil)
            try checkEqual(listed.map(\.text), ["before"], "messages kept")
        },
        ConformanceCase(
            "CLOSE-004", .must, .core, rule: .nextContact, "After close, the user's next contact starts a new conversation in state bot."
        ) { ctx in
            let (user, conversation, _) = try await ctx.handedOff()
            _ = try await ctx.support.close(conversation.id)
            let next = try await ctx.support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
            try check(next.id != conversation.id, "the next contact reused conversation \(conversation.id)")
            try checkEqual(next.state, .bot, "state of the next conversation")
            let message = try await ctx.support.post(.init(author: .bot, text: "Welcome back!"), to: next.id)
            try checkEqual(message.author, .bot, "the bot speaks in the new conversation")
        },
        ConformanceCase("CLOSE-005", .must, .core, rule: .closeSession, "A conversation still with the bot can be closed.") { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            try checkEqual(try await ctx.support.close(conversation.id).state, .closed, "state after close")
        },
        ConformanceCase("CLOSE-006", .must, .core, rule: .closeSession, "A resolved conversation can be closed.", needs: [.agentDesk]) {
            ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            _ = try await ctx.desk.accept(conversation.id, agentId: nil)
            _ = try await ctx.desk.resolve(conversation.id)
            try checkEqual(try await ctx.support.close(conversation.id).state, .closed, "state after close")
        },
        ConformanceCase(
            "CLOSE-007", .must, .core, rule: .closeSession, "An agent cannot write in a closed conversation.", needs: [.agentDesk]
        ) { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            _ = try await ctx.desk.accept(conversation.id, agentId: nil)
            _ = try await ctx.support.close(conversation.id)
            try await checkRefused(["conversation_closed"], "agent reply after close") {
                _ = try await ctx.desk.reply(conversation.id, text: "hello?")
            }
        },
        ConformanceCase(
            "CLOSE-008", .must, .core, rule: .nextContact, "After resolve and close, the next contact is back with the bot, not the team.",
            needs: [.agentDesk]
        ) { ctx in
            let (user, conversation, _) = try await ctx.handedOff()
            _ = try await ctx.desk.accept(conversation.id, agentId: nil)
            _ = try await ctx.desk.resolve(conversation.id)
            _ = try await ctx.support.close(conversation.id)
            let next = try await ctx.support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
            try checkEqual(next.state, .bot, "state of the next conversation")
            try checkEqual(next.teamId, nil, "team of the next conversation")
            try checkEqual(next.assigneeId, nil, "assignee of the next conversation")
        },
        ConformanceCase(
            "CLOSE-009", .should, .core, rule: .closeSession, "A resolved conversation takes no more bot messages.", needs: [.agentDesk]
        ) { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            _ = try await ctx.desk.accept(conversation.id, agentId: nil)
            _ = try await ctx.desk.resolve(conversation.id)
            try await checkRefused(["conversation_resolved", "bot_silenced", "conversation_closed"], "bot message after resolve") {
                _ = try await ctx.support.post(.init(author: .bot, text: "hi"), to: conversation.id)
            }
        },
        ConformanceCase("CLOSE-010", .must, .core, rule: .closeSession, "Closing an unknown conversation is refused as not found.") { ctx in
            try await checkRefused(["not_found"], "close an unknown conversation") {
                _ = try await ctx.support.close("cnv_999999999")
            }
        },
    ]
}
