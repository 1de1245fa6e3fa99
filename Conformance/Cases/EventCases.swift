import Foundation
import HandoffContract

/// EVT: agent events reach the bot by feed and by webhook; nothing echoes back.
enum EventCases {
    /// A conversation handed off, accepted, answered in public and with a note, then resolved.
    static func fullAgentSession(_ ctx: CaseContext, reply: String = "Refunded, anything else?") async throws -> Conversation {
        let (_, conversation, _) = try await ctx.handedOff(messages: [
            .init(author: .user, text: "user says hi"), .init(author: .bot, text: "bot answers"),
        ])
        let desk = try ctx.desk
        _ = try await desk.accept(conversation.id, agentId: nil)
        _ = try await desk.note(conversation.id, text: "internal note, not for the bot")
        _ = try await ctx.support.post(.init(author: .user, text: "user again"), to: conversation.id)
        _ = try await desk.reply(conversation.id, text: reply)
        _ = try await desk.resolve(conversation.id)
        return conversation
    }

    static let all: [ConformanceCase] = [
        ConformanceCase(
            "EVT-001", .must, .events, rule: .eventsDelivered,
            "An agent taking the conversation reaches the feed as conversation.assigned.", needs: [.agentDesk, .eventFeed]
        ) { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            _ = try await ctx.desk.accept(conversation.id, agentId: nil)
            let events = try await ctx.feedEvents(for: conversation.id) { $0.contains { $0.type == .conversationAssigned } }
            try check(
                events.contains { $0.type == .conversationAssigned },
                "no conversation.assigned in the feed; got \(events.map(\.type.rawValue))")
        },
        ConformanceCase(
            "EVT-002", .must, .events, rule: .eventsDelivered, "An agent's public reply reaches the feed as message.created with its text.",
            needs: [.agentDesk, .eventFeed]
        ) { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            _ = try await ctx.desk.accept(conversation.id, agentId: nil)
            _ = try await ctx.desk.reply(conversation.id, text: "agent reply EVT-002")
            let events = try await ctx.feedEvents(for: conversation.id) { $0.contains { $0.type == .messageCreated } }
            let message = events.first { $0.type == .messageCreated }?.message
            try checkEqual(message?.text, "agent reply EVT-002", "text of message.created")
            try checkEqual(message?.author, .agent, "author of message.created")
        },
        ConformanceCase(
            "EVT-003", .must, .events, rule: .eventsDelivered, "Resolving reaches the feed as conversation.resolved.",
            needs: [.agentDesk, .eventFeed]
        ) { ctx in
            let conversation = try await fullAgentSession(ctx)
            let events = try await ctx.feedEvents(for: conversation.id) { $0.contains { $0.type == .conversationResolved } }
            try check(
                events.contains { $0.type == .conversationResolved },
                "no conversation.resolved in the feed; got \(events.map(\.type.rawValue))")
        },
        ConformanceCase(
            "EVT-004", .must, .events, rule: .noEcho, "The feed never carries the bot's or the user's mirrored messages.",
            needs: [.agentDesk, .eventFeed]
        ) { ctx in
            let conversation = try await fullAgentSession(ctx)
            let events = try await ctx.feedEvents(for: conversation.id) { $0.contains { $0.type == .conversationResolved } }
            let echoed = events.compactMap(\.message).filter { $0.author != .agent }
            try check(echoed.isEmpty, "the feed echoed mirrored messages: \(echoed.map(\.text))")
        },
        ConformanceCase(
            "EVT-005", .must, .events, rule: .noEcho, "The feed never carries internal notes.", needs: [.agentDesk, .eventFeed]
        ) { ctx in
            let conversation = try await fullAgentSession(ctx)
            let events = try await ctx.feedEvents(for: conversation.id) { $0.contains { $0.type == .conversationResolved } }
            let notes = events.compactMap(\.message).filter { $0.visibility == .internal }
            try check(notes.isEmpty, "the feed carried internal notes: \(notes.map(\.text))")
        },
        ConformanceCase(
            "EVT-006", .must, .events, rule: .eventsDelivered, "Feed events come in the order they happened: assigned, message, resolved.",
            needs: [.agentDesk, .eventFeed]
        ) { ctx in
            let conversation = try await fullAgentSession(ctx)
            let events = try await ctx.feedEvents(for: conversation.id) { $0.contains { $0.type == .conversationResolved } }
            try checkEqual(events.map(\.type), [.conversationAssigned, .messageCreated, .conversationResolved], "event types in order")
            try check(zip(events, events.dropFirst()).allSatisfy { $0.seq < $1.seq }, "feed positions not increasing")
        },
        ConformanceCase(
            "EVT-007", .should, .events, rule: .eventsDelivered, "A long-poll on the feed returns as soon as an event happens.",
            needs: [.agentDesk, .eventFeed]
        ) { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            let support = ctx.support
            var cursor = ctx.feedStart
            while true {
                let page = try await support.events(after: cursor, waitSeconds: 0)
                if page.items.isEmpty { break }
                cursor = page.next
            }
            let start = cursor
            let started = ContinuousClock.now
            let desk = try ctx.desk
            let accept = Task {
                try await Task.sleep(for: .milliseconds(300))
                _ = try await desk.accept(conversation.id, agentId: nil)
            }
            var found = false
            var position = start
            while !found && ContinuousClock.now - started < .seconds(8) {
                let page = try await support.events(after: position, waitSeconds: 8)
                found = page.items.contains { $0.conversationId == conversation.id }
                position = page.next ?? position
            }
            try await accept.value
            let waited = ContinuousClock.now - started
            try check(found, "the long-poll never returned the event")
            try check(waited < .seconds(5), "the long-poll took \(waited) to return an event made after 0.3 s")
        },
        ConformanceCase(
            "EVT-008", .must, .events, rule: .eventsDelivered, "Events carry the conversation and the bot's user id.",
            needs: [.agentDesk, .eventFeed]
        ) { ctx in
            let (user, conversation, _) = try await ctx.handedOff()
            _ = try await ctx.desk.accept(conversation.id, agentId: nil)
            let events = try await ctx.feedEvents(for: conversation.id) { !$0.isEmpty }
            let event = try events.first ?? { throw CaseFailure("no event in the feed") }()
            try checkEqual(event.externalUserId, user.externalId, "externalUserId")
            try checkEqual(event.userId, user.id, "userId")
        },
        ConformanceCase(
            "EVT-009", .should, .events, rule: .eventsDelivered, "The feed's after cursor never returns an event twice.",
            needs: [.agentDesk, .eventFeed]
        ) { ctx in
            _ = try await fullAgentSession(ctx)
            var cursor = ctx.feedStart
            var seen = Set<String>()
            for _ in 0..<1000 {
                let page = try await ctx.support.events(after: cursor, waitSeconds: 0)
                if page.items.isEmpty { break }
                for event in page.items {
                    try check(!seen.contains(event.id), "event \(event.id) returned twice")
                    seen.insert(event.id)
                }
                cursor = page.next
            }
        },
        ConformanceCase(
            "EVT-010", .must, .events, rule: .eventsDelivered, "An agent's reply is delivered by webhook.", needs: [.agentDesk, .webhooks]
        ) { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            _ = try await ctx.desk.accept(conversation.id, agentId: nil)
            _ = try await ctx.desk.reply(conversation.id, text: "agent reply EVT-010")
            let readings = try await ctx.webhookDeliveries(for: conversation.id) { $0.contains { $0.eventType == .messageCreated } }
            let reply = readings.first { $0.eventType == .messageCreated }
            try checkEqual(reply?.messageText, "agent reply EVT-010", "text delivered by webhook")
        },
        ConformanceCase(
            "EVT-011", .must, .events, rule: .webhookDelivery, "Webhook deliveries carry a valid HMAC-SHA256 signature.",
            needs: [.agentDesk, .webhooks]
        ) { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            _ = try await ctx.desk.accept(conversation.id, agentId: nil)
            let readings = try await ctx.webhookDeliveries(for: conversation.id) { !$0.isEmpty }
            try check(!readings.isEmpty, "no webhook delivery arrived")
            try check(readings.allSatisfy(\.signatureValid), "a delivery's signature does not verify with the subscription secret")
        },
        ConformanceCase(
            "EVT-012", .must, .events, rule: .webhookDelivery, "A failed delivery is retried with the same delivery id.",
            needs: [.agentDesk, .webhooks]
        ) { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            try ctx.webhooks.failNext(1, mentioning: "\"\(conversation.id)\"")
            _ = try await ctx.desk.accept(conversation.id, agentId: nil)
            let readings = try await ctx.webhookDeliveries(for: conversation.id, timeout: .seconds(10)) { $0.count >= 2 }
            try check(readings.count >= 2, "the failed delivery was not retried (deliveries: \(readings.count))")
            try check(readings[0].deliveryId != nil, "the delivery has no delivery id")
            try checkEqual(readings[1].deliveryId, readings[0].deliveryId, "delivery id of the retry")
            try checkEqual(readings[1].eventType, readings[0].eventType, "event of the retry")
        },
        ConformanceCase(
            "EVT-013", .must, .events, rule: .noEcho, "Webhooks never carry the bot's or the user's messages, nor internal notes.",
            needs: [.agentDesk, .webhooks]
        ) { ctx in
            let conversation = try await fullAgentSession(ctx)
            let readings = try await ctx.webhookDeliveries(for: conversation.id) { $0.contains { $0.eventType == .conversationResolved } }
            try check(readings.contains { $0.eventType == .conversationResolved }, "no conversation.resolved by webhook")
            let echoed = readings.filter { $0.messageText != nil && ($0.messageAuthor != .agent || $0.messageVisibility == .internal) }
            try check(echoed.isEmpty, "webhooks carried: \(echoed.compactMap(\.messageText))")
        },
        ConformanceCase(
            "EVT-014", .should, .events, rule: .webhookDelivery, "Each event is delivered once by webhook when the receiver answers 2xx.",
            needs: [.agentDesk, .webhooks]
        ) { ctx in
            let conversation = try await fullAgentSession(ctx)
            let readings = try await ctx.webhookDeliveries(for: conversation.id) { $0.count >= 3 }
            try await Task.sleep(for: .milliseconds(300))
            let all = try ctx.rawDeliveries(for: conversation.id)
            try check(readings.count >= 3, "only \(readings.count) deliveries for three events")
            try checkEqual(all.count, 3, "deliveries for three events")
            try checkEqual(Set(all.compactMap(\.1.deliveryId)).count, 3, "distinct delivery ids")
        },
        ConformanceCase(
            "EVT-015", .must, .events, rule: .eventsDelivered, "Resolving is delivered by webhook as conversation.resolved.",
            needs: [.agentDesk, .webhooks]
        ) { ctx in
            let conversation = try await fullAgentSession(ctx)
            let readings = try await ctx.webhookDeliveries(for: conversation.id) { $0.contains { $0.eventType == .conversationResolved } }
            try check(
                readings.contains { $0.eventType == .conversationResolved },
                "no conversation.resolved by webhook; got \(readings.compactMap(\.eventType?.rawValue))")
        },
    ]
}
