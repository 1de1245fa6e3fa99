import Foundation
import HandoffContract

/// CNV: conversations that hold the history and context.
enum ConversationCases {
    static let all: [ConformanceCase] = [
        ConformanceCase("CNV-001", .must, .core, rule: .entities, "A new conversation belongs to its user and starts in state bot.") {
            ctx in
            let (user, conversation) = try await ctx.freshConversation()
            try checkEqual(conversation.state, .bot, "state")
            try checkEqual(conversation.userId, user.id, "userId")
            try checkEqual(conversation.teamId, nil, "teamId")
        },
        ConformanceCase("CNV-002", .must, .core, rule: .entities, "The context (intent, unfinished intents, slots) is kept.") { ctx in
            let context = ConversationContext(
                intent: "billing.refund", intents: ["billing.refund", "account.login"], slots: ["invoice": "INV-7"],
                attributes: ["channel": "web"])
            let (_, conversation) = try await ctx.freshConversation(context: context)
            let read = try await ctx.support.conversation(id: conversation.id)
            try checkEqual(read.context, context, "context read back")
        },
        ConformanceCase(
            "CNV-003", .must, .core, rule: .idempotentRetry,
            "Opening a conversation twice with one idempotency key yields one conversation."
        ) { ctx in
            // A conversation in the workspace first, so a store that mixes users up shows a second one whichever
            // case ran first.
            _ = try await ctx.freshConversation()
            let user = try await ctx.freshUser()
            let key = "conform-cnv3-\(UUID().uuidString)"
            let first = try await ctx.support.openConversation(userId: user.id, context: .init(), idempotencyKey: key)
            let second = try await ctx.support.openConversation(userId: user.id, context: .init(), idempotencyKey: key)
            try checkEqual(second.id, first.id, "id of the retried conversation")
            let all = try await ctx.support.conversations(userId: user.id, state: nil)
            try checkEqual(all.count, 1, "conversations of the user")
        },
        ConformanceCase("CNV-004", .must, .core, rule: .entities, "A conversation reads back as created.") { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let read = try await ctx.support.conversation(id: conversation.id)
            try checkEqual(read.id, conversation.id, "id")
            try checkEqual(read.userId, conversation.userId, "userId")
            try checkEqual(read.state, .bot, "state")
        },
        ConformanceCase("CNV-005", .should, .core, rule: .entities, "Conversations can be listed by user and state.") { ctx in
            let (user, first) = try await ctx.freshConversation()
            let second = try await ctx.support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
            _ = try await ctx.support.close(second.id)
            let inBot = try await ctx.support.conversations(userId: user.id, state: .bot)
            try checkEqual(inBot.map(\.id), [first.id], "conversations in state bot")
            let closed = try await ctx.support.conversations(userId: user.id, state: .closed)
            try checkEqual(closed.map(\.id), [second.id], "conversations in state closed")
        },
        ConformanceCase("CNV-006", .must, .core, rule: .entities, "Opening a conversation for an unknown user is refused as not found.") {
            ctx in
            try await checkRefused(["not_found"], "open for an unknown user") {
                _ = try await ctx.support.openConversation(userId: "usr_999999999", context: .init(), idempotencyKey: nil)
            }
        },
        ConformanceCase("CNV-007", .must, .core, rule: .entities, "Two conversations of one user have distinct ids.") { ctx in
            let (user, first) = try await ctx.freshConversation()
            let second = try await ctx.support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
            try check(first.id != second.id, "both conversations have id \(first.id)")
        },
        ConformanceCase("CNV-008", .must, .core, rule: .entities, "Reading an unknown conversation is refused as not found.") { ctx in
            try await checkRefused(["not_found"], "read an unknown conversation") {
                _ = try await ctx.support.conversation(id: "cnv_999999999")
            }
        },
    ]
}
