import Foundation
import HandoffContract

/// MSG: mirrored messages in order, once.
enum MessageCases {
    static let all: [ConformanceCase] = [
        ConformanceCase(
            "MSG-001", .must, .core, rule: .messageOrder, "Mirrored messages get increasing sequence numbers in the order posted."
        ) { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            var seqs: [Int] = []
            for index in 1...6 {
                let author: MessageAuthor = index.isMultiple(of: 2) ? .bot : .user
                seqs.append(try await ctx.support.post(.init(author: author, text: "m\(index)"), to: conversation.id).seq)
            }
            try check(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "sequence numbers not increasing: \(seqs)")
        },
        ConformanceCase(
            "MSG-002", .must, .core, rule: .messageOrder, "Listing returns the messages in the order posted, with their authors."
        ) { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let sent: [(MessageAuthor, String)] = (1...8).map { ($0.isMultiple(of: 3) ? .bot : .user, "m\($0)") }
            for (author, text) in sent { _ = try await ctx.support.post(.init(author: author, text: text), to: conversation.id) }
            let listed = try await ctx.support.messages(in: conversation.id, after: nil, limit: nil)
            try checkEqual(listed.map(\.text), sent.map(\.1), "texts in order")
            try checkEqual(listed.map(\.author), sent.map(\.0), "authors in order")
        },
        ConformanceCase("MSG-003", .must, .core, rule: .idempotentRetry, "A message retried with the same client id is stored once.") {
            ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let message = NewMessage(author: .user, text: "only once", clientMessageId: "conform-\(UUID().uuidString)")
            let first = try await ctx.support.post(message, to: conversation.id)
            let second = try await ctx.support.post(message, to: conversation.id)
            try checkEqual(second.id, first.id, "id of the retried message")
            let listed = try await ctx.support.messages(in: conversation.id, after: nil, limit: nil)
            try checkEqual(listed.count, 1, "messages stored")
        },
        ConformanceCase("MSG-004", .must, .core, rule: .idempotentRetry, "Concurrent retries of one message are stored once.") { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let message = NewMessage(author: .user, text: "racing", clientMessageId: "conform-\(UUID().uuidString)")
            let support = ctx.support
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { _ = try await support.post(message, to: conversation.id) } }
                try await group.waitForAll()
            }
            let listed = try await ctx.support.messages(in: conversation.id, after: nil, limit: nil)
            try checkEqual(listed.count, 1, "messages stored after 8 concurrent retries")
        },
        ConformanceCase("MSG-005", .must, .core, rule: .messageOrder, "Listing after a sequence number returns only the later messages.") {
            ctx in
            let (_, conversation) = try await ctx.freshConversation()
            var stored: [Message] = []
            for index in 1...5 { stored.append(try await ctx.support.post(.init(author: .user, text: "m\(index)"), to: conversation.id)) }
            let later = try await ctx.support.messages(in: conversation.id, after: stored[2].seq, limit: nil)
            try checkEqual(later.map(\.text), ["m4", "m5"], "messages after the third")
        },
        ConformanceCase("MSG-006", .must, .core, rule: .messageOrder, "Fifty messages posted in a row are all stored, none twice.") { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            for index in 1...50 {
                _ = try await ctx.support.post(
                    .init(author: index.isMultiple(of: 2) ? .bot : .user, text: "n\(index)", clientMessageId: "n\(index)"),
                    to: conversation.id)
            }
            var listed: [Message] = []
            var after: Int? = nil
            for _ in 0..<10 {
                let page = try await ctx.support.messages(in: conversation.id, after: after, limit: nil)
                if page.isEmpty { break }
                listed += page
                after = page.last?.seq
            }
            try checkEqual(listed.map(\.text), (1...50).map { "n\($0)" }, "stored texts")
        },
        ConformanceCase("MSG-007", .should, .core, rule: .entities, "Structured choices offered with a message are kept.") { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let choices = [Choice(value: "billing", label: "Billing"), Choice(value: "tech", label: "Technical")]
            let posted = try await ctx.support.post(.init(author: .bot, text: "Pick one", choices: choices), to: conversation.id)
            let listed = try await ctx.support.messages(in: conversation.id, after: posted.seq - 1, limit: 1)
            try checkEqual(listed.first?.choices ?? [], choices, "choices read back")
        },
        ConformanceCase("MSG-008", .must, .core, rule: .messageOrder, "Messages of two conversations never mix.") { ctx in
            let (_, first) = try await ctx.freshConversation()
            let (_, second) = try await ctx.freshConversation()
            for index in 1...4 {
                _ = try await ctx.support.post(.init(author: .user, text: "a\(index)"), to: first.id)
                _ = try await ctx.support.post(.init(author: .user, text: "b\(index)"), to: second.id)
            }
            let a = try await ctx.support.messages(in: first.id, after: nil, limit: nil)
            let b = try await ctx.support.messages(in: second.id, after: nil, limit: nil)
            try checkEqual(a.map(\.text), ["a1", "a2", "a3", "a4"], "first conversation")
            try checkEqual(b.map(\.text), ["b1", "b2", "b3", "b4"], "second conversation")
        },
        ConformanceCase("MSG-009", .should, .core, rule: .idempotentRetry, "Reusing a client id for a different message is refused.") {
            ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let key = "conform-\(UUID().uuidString)"
            _ = try await ctx.support.post(.init(author: .user, text: "first", clientMessageId: key), to: conversation.id)
            try await checkRefused(["idempotency_key_reused"], "reuse of a client id with other text") {
                _ = try await ctx.support.post(.init(author: .user, text: "second", clientMessageId: key), to: conversation.id)
            }
        },
        ConformanceCase(
            "MSG-010", .must, .core, rule: .messageOrder,
            "Concurrent posts to one conversation are all stored with distinct sequence numbers."
        ) { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let support = ctx.support
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 1...16 {
                    group.addTask { _ = try await support.post(.init(author: .user, text: "c\(index)"), to: conversation.id) }
                }
                try await group.waitForAll()
            }
            let listed = try await ctx.support.messages(in: conversation.id, after: nil, limit: nil)
            try checkEqual(listed.count, 16, "messages stored")
            try checkEqual(Set(listed.map(\.seq)).count, 16, "distinct sequence numbers")
            try check(listed.map(\.seq) == listed.map(\.seq).sorted(), "listing not in sequence order: \(listed.map(\.seq))")
        },
    ]
}
