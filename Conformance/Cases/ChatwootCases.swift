import Foundation
import HandoffClient
import HandoffContract

/// CW: Chatwoot fidelity. Facts of Chatwoot's Application API and webhooks that the Chatwoot binding
/// (and any connector) relies on, checked raw with the binding's tokens (Chatwoot v4.15.0's Rails source). They run
/// only with the Chatwoot binding: against a Chatwoot server, or against the mock's Chatwoot face to prove
/// it mimics Chatwoot. Each names the contract rule whose mapping the fact carries.
///
/// The target needs an API inbox with the agent bot connected (new conversations start `pending`), at
/// least one team, and the bot's own token for the bot-only checks.
enum ChatwootCases {
    typealias CW = ChatwootChecks

    static let all: [ConformanceCase] =
        conversations + messages + webhooks + contacts + answers

    /// Conversation status, handoff and team assignment.
    static let conversations: [ConformanceCase] = [
        ConformanceCase(
            "CW-001", .must, .chatwoot, rule: .entities,
            "A conversation created by the bot in an inbox with an active bot starts pending, with a numeric display id.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            let (id, body) = try await CW.conversation(cw, ctx.caseId)
            try check(id > 0, "display id \(id) is not positive")
            try CW.expect(body, "inbox_id", equals: .number(Double(cw.inboxId)), "created conversation")
            try CW.expect(
                body, "status", equals: "pending",
                "created conversation (is the agent bot connected to inbox \(cw.inboxId) and active?)")
        },
        ConformanceCase(
            "CW-002", .must, .chatwoot, rule: .transferByReference,
            "The bot's toggle_status open on a pending conversation is the handoff: current_status open, read back open.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            let (id, _) = try await CW.conversation(cw, ctx.caseId)
            let toggled = try await CW.toggle(cw, cw.bot, id, "open")
            try CW.expect(toggled, "payload.current_status", equals: "open", "toggle_status answer")
            try CW.expect(toggled, "payload.conversation_id", equals: .number(Double(id)), "toggle_status answer")
            try check(toggled.at("meta") != nil, "toggle_status answer has no 'meta'")
            try CW.expect(try await CW.read(cw, id), "status", equals: "open", "conversation after the handoff")
        },
        ConformanceCase(
            "CW-003", .must, .chatwoot, rule: .transferByReference,
            "assignments {team_id} with the bot token sets the conversation's meta.team.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            let teams = try CW.array(
                try CW.expect(try await CW.send(cw.user, .GET, "\(cw.account)/teams"), "list teams"), "", "list teams")
            guard let team = teams.first, let teamId = team.at("id")?.intValue else {
                throw CaseFailure("the account has no team to assign")
            }
            let (id, _) = try await CW.conversation(cw, ctx.caseId)
            let assigned = try CW.expect(
                try await CW.send(
                    cw.bot, .POST, "\(cw.account)/conversations/\(id)/assignments", .object(["team_id": .number(Double(teamId))])),
                "assign the team")
            try CW.expect(assigned, "id", equals: .number(Double(teamId)), "assignments answer (the team)")
            let read = try await CW.read(cw, id)
            try CW.expect(read, "meta.team.id", equals: .number(Double(teamId)), "conversation after the assignment")
            try CW.expect(read, "meta.team.name", equals: team.at("name") ?? .null, "conversation after the assignment")
        },
        ConformanceCase(
            "CW-004", .should, .chatwoot, rule: .nextContact,
            "An incoming message on a resolved conversation in a bot inbox reopens it as pending.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            let (id, _) = try await CW.conversation(cw, ctx.caseId)
            try await CW.toggle(cw, cw.bot, id, "resolved")
            try CW.expect(try await CW.read(cw, id), "status", equals: "resolved", "conversation after resolve")
            try await CW.message(
                cw, cw.bot, id, .object(["content": "back again", "message_type": "incoming"]), "incoming message")
            try CW.expect(try await CW.read(cw, id), "status", equals: "pending", "conversation after a new incoming message")
        },
    ]

    /// Message shapes: integer message_type, input_select, private notes.
    static let messages: [ConformanceCase] = [
        ConformanceCase(
            "CW-005", .must, .chatwoot, rule: .messageOrder,
            "REST message_type is an integer (0 incoming, 1 outgoing); the bot's replies have sender type agent_bot.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            let (id, _) = try await CW.conversation(cw, ctx.caseId)
            let incoming = try await CW.message(
                cw, cw.bot, id, .object(["content": "user text", "message_type": "incoming"]), "incoming message")
            try CW.expect(incoming, "message_type", equals: 0, "incoming message answer")
            let outgoing = try await CW.message(
                cw, cw.bot, id, .object(["content": "bot text", "message_type": "outgoing"]), "bot message")
            try CW.expect(outgoing, "message_type", equals: 1, "bot message answer")
            let list = try CW.expect(
                try await CW.send(cw.user, .GET, "\(cw.account)/conversations/\(id)/messages"), "list messages")
            let mine = try CW.array(list, "payload", "list messages").filter {
                [incoming.at("id"), outgoing.at("id")].contains($0.at("id"))
            }
            try checkEqual(mine.map { $0.at("message_type") }, [.number(0), .number(1)], "message_type of the listed messages")
            if cw.hasDistinctBotToken {
                try CW.expect(mine.last, "sender.type", equals: "agent_bot", "the bot's message in the list")
            }
        },
        ConformanceCase(
            "CW-006", .should, .chatwoot, rule: .entities,
            "An input_select message keeps content_type and its items [{title, value}].",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            let (id, _) = try await CW.conversation(cw, ctx.caseId)
            let items: JSONValue = .array([
                .object(["title": "Billing", "value": "billing"]), .object(["title": "Human", "value": "human"]),
            ])
            let posted = try await CW.message(
                cw, cw.bot, id,
                .object(["content": "Pick one", "content_type": "input_select", "content_attributes": .object(["items": items])]),
                "input_select message")
            try CW.expect(posted, "content_type", equals: "input_select", "input_select answer")
            let list = try CW.expect(
                try await CW.send(cw.user, .GET, "\(cw.account)/conversations/\(id)/messages"), "list messages")
            let listed = try CW.array(list, "payload", "list messages").first { $0.at("id") == posted.at("id") }
            try CW.expect(listed, "content_type", equals: "input_select", "listed input_select message")
            try CW.expect(listed, "content_attributes.items", equals: items, "listed input_select message")
        },
        ConformanceCase(
            "CW-007", .must, .chatwoot, rule: .botSilenced,
            "A private note is stored with private true and message_type 1.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            let (id, _) = try await CW.conversation(cw, ctx.caseId)
            let note = try await CW.message(
                cw, cw.bot, id, .object(["content": "for the agent", "private": true]), "private note")
            let list = try CW.expect(
                try await CW.send(cw.user, .GET, "\(cw.account)/conversations/\(id)/messages"), "list messages")
            let listed = try CW.array(list, "payload", "list messages").first { $0.at("id") == note.at("id") }
            try CW.expect(listed, "private", equals: true, "listed note")
            try CW.expect(listed, "message_type", equals: 1, "listed note")
        },
    ]

    /// Webhook deliveries: headers, signature, payload shapes.
    static let webhooks: [ConformanceCase] = [
        ConformanceCase(
            "CW-008", .must, .chatwoot, rule: .webhookDelivery,
            "Webhook deliveries carry X-Chatwoot-Delivery, X-Chatwoot-Timestamp and a valid X-Chatwoot-Signature.",
            needs: [.chatwootAPI, .webhooks]
        ) { ctx in
            let cw = try ctx.chatwoot
            let (id, _) = try await CW.conversation(cw, ctx.caseId)
            try await CW.message(cw, cw.bot, id, .object(["content": "signed", "message_type": "incoming"]), "incoming message")
            let (delivery, _) = try await CW.delivery(ctx, conversation: id, "a delivery about the conversation") { _ in true }
            let headers = delivery.headers
            try check(headers["x-chatwoot-delivery"]?.isEmpty == false, "no X-Chatwoot-Delivery header")
            guard let timestamp = headers["x-chatwoot-timestamp"], let seconds = Double(timestamp) else {
                throw CaseFailure("X-Chatwoot-Timestamp missing or not Unix seconds: \(show(headers["x-chatwoot-timestamp"]))")
            }
            try check(abs(seconds - Date().timeIntervalSince1970) < 600, "X-Chatwoot-Timestamp \(timestamp) is not now")
            let signature = headers["x-chatwoot-signature"] ?? ""
            try check(
                signature.wholeMatch(of: /sha256=[0-9a-f]{64}/) != nil,
                "X-Chatwoot-Signature \(show(signature)) is not sha256=<64 hex digits>")
            try check(
                WebhookSigning.isValid(
                    timestamp: timestamp, signature: signature, body: delivery.body, secret: try ctx.signingSecret),
                "X-Chatwoot-Signature does not verify with the webhook's secret over '<timestamp>.<body>'")
        },
        ConformanceCase(
            "CW-009", .must, .chatwoot, rule: .eventsDelivered,
            "A message_created webhook carries message_type as a string and the conversation's display id.",
            needs: [.chatwootAPI, .webhooks]
        ) { ctx in
            let cw = try ctx.chatwoot
            let (id, _) = try await CW.conversation(cw, ctx.caseId)
            let text = "cw-009 \(UUID().uuidString)"
            try await CW.message(cw, cw.bot, id, .object(["content": .string(text), "message_type": "incoming"]), "incoming message")
            let (_, body) = try await CW.delivery(ctx, conversation: id, "message_created for the incoming message") {
                $0.at("event") == "message_created" && $0.at("content")?.stringValue == text
            }
            try CW.expect(body, "message_type", equals: "incoming", "message_created payload")
            try CW.expect(body, "conversation.id", equals: .number(Double(id)), "message_created payload")
            try CW.expect(body, "private", equals: false, "message_created payload")
        },
        ConformanceCase(
            "CW-010", .must, .chatwoot, rule: .eventsDelivered,
            "An agent's public reply arrives as message_created, outgoing, sender type user, private false.",
            needs: [.chatwootAPI, .webhooks, .agentDesk]
        ) { ctx in
            let cw = try ctx.chatwoot
            guard let agent = cw.agent else { throw CaseSkip(reason: "needs an agent token (--agent-token)") }
            let (id, _) = try await CW.conversation(cw, ctx.caseId)
            try await CW.toggle(cw, cw.bot, id, "open")
            let text = "cw-010 \(UUID().uuidString)"
            try await CW.message(cw, agent, id, .object(["content": .string(text), "message_type": "outgoing"]), "agent reply")
            let (_, body) = try await CW.delivery(ctx, conversation: id, "message_created for the agent's reply") {
                $0.at("event") == "message_created" && $0.at("content")?.stringValue == text
            }
            try CW.expect(body, "message_type", equals: "outgoing", "agent reply payload")
            try CW.expect(body, "sender.type", equals: "user", "agent reply payload")
            try CW.expect(body, "private", equals: false, "agent reply payload")
        },
        ConformanceCase(
            "CW-011", .must, .chatwoot, rule: .eventsDelivered,
            "Resolving sends conversation_status_changed with status resolved and the display id.",
            needs: [.chatwootAPI, .webhooks]
        ) { ctx in
            let cw = try ctx.chatwoot
            let (id, _) = try await CW.conversation(cw, ctx.caseId)
            try await CW.toggle(cw, cw.bot, id, "resolved")
            let (_, body) = try await CW.delivery(ctx, conversation: id, "conversation_status_changed to resolved") {
                $0.at("event") == "conversation_status_changed" && $0.at("status") == "resolved"
            }
            try CW.expect(body, "id", equals: .number(Double(id)), "conversation_status_changed payload")
        },
        ConformanceCase(
            "CW-012", .should, .chatwoot, rule: .eventsDelivered,
            "Assigning an agent sends conversation_updated whose changed_attributes name assignee_id.",
            needs: [.chatwootAPI, .webhooks, .agentDesk]
        ) { ctx in
            let cw = try ctx.chatwoot
            guard let agent = cw.agent else { throw CaseSkip(reason: "needs an agent token (--agent-token)") }
            let profile = try CW.expect(try await CW.send(agent, .GET, "/api/v1/profile"), "the agent's profile")
            let agentId = try CW.int(profile, "id", "the agent's profile")
            let (id, _) = try await CW.conversation(cw, ctx.caseId)
            try await CW.toggle(cw, cw.bot, id, "open")
            try CW.expect(
                try await CW.send(
                    agent, .POST, "\(cw.account)/conversations/\(id)/assignments",
                    .object(["assignee_id": .number(Double(agentId))])),
                "assign the agent")
            let (_, body) = try await CW.delivery(ctx, conversation: id, "conversation_updated naming assignee_id") {
                $0.at("event") == "conversation_updated"
                    && (try? CW.array($0, "changed_attributes", ""))?.contains { $0.at("assignee_id") != nil } == true
            }
            try CW.expect(body, "meta.assignee.id", equals: .number(Double(agentId)), "conversation_updated payload")
        },
    ]

    /// Contacts and pagination.
    static let contacts: [ConformanceCase] = [
        ConformanceCase(
            "CW-013", .must, .chatwoot, rule: .idempotentUser,
            "Creating a contact with inbox_id answers the contact and its contact_inbox source_id.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            let (_, body) = try await CW.contact(cw, ctx.caseId)
            _ = try CW.string(body, "payload.contact.identifier", "contact answer")
            _ = try CW.string(body, "payload.contact_inbox.source_id", "contact answer")
        },
        ConformanceCase(
            "CW-014", .must, .chatwoot, rule: .idempotentUser,
            "A second contact with a taken identifier is refused 422 {message, attributes: [identifier]}.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            let (_, created) = try await CW.contact(cw, ctx.caseId)
            let identifier = try CW.string(created, "payload.contact.identifier", "contact answer")
            let again = try CW.expect(
                try await CW.send(
                    cw.user, .POST, "\(cw.account)/contacts",
                    .object(["inbox_id": .number(Double(cw.inboxId)), "identifier": .string(identifier)])),
                status: 422, "second contact with the identifier")
            _ = try CW.string(again, "message", "422 body")
            try check(
                try CW.array(again, "attributes", "422 body").contains("identifier"),
                "422 body: 'attributes' does not name identifier: \(CW.describe(again))")
        },
        ConformanceCase(
            "CW-015", .should, .chatwoot, rule: .idempotentUser,
            "Contact search answers 15 a page with meta count and has_more.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            let tag = "cw15x\(UUID().uuidString.prefix(8).lowercased())"
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 1...16 {
                    group.addTask {
                        try CW.expect(
                            try await CW.send(
                                cw.user, .POST, "\(cw.account)/contacts",
                                .object([
                                    "inbox_id": .number(Double(cw.inboxId)), "identifier": .string("conform-\(tag)-\(index)"),
                                    "name": .string("Conformance \(tag) \(index)"),
                                ])),
                            "create contact \(index)")
                    }
                }
                try await group.waitForAll()
            }
            let page = try CW.expect(
                try await CW.send(cw.user, .GET, "\(cw.account)/contacts/search?q=\(tag)&page=1"), "search contacts")
            try checkEqual(try CW.array(page, "payload", "search").count, 15, "contacts on the first search page")
            try CW.expect(page, "meta.count", equals: 16, "search answer")
            try CW.expect(page, "meta.has_more", equals: true, "search answer")
        },
        ConformanceCase(
            "CW-016", .should, .chatwoot, rule: .entities,
            "The contacts list answers 15 a page with meta count and current_page.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            var first = try CW.expect(try await CW.send(cw.user, .GET, "\(cw.account)/contacts?page=1"), "list contacts")
            let count = try CW.int(first, "meta.count", "contacts list")
            if count < 16 {
                for _ in count..<16 { _ = try await CW.contact(cw, ctx.caseId) }
                first = try CW.expect(try await CW.send(cw.user, .GET, "\(cw.account)/contacts?page=1"), "list contacts")
            }
            try checkEqual(try CW.array(first, "payload", "contacts list").count, 15, "contacts on the first page")
            let page = first.at("meta.current_page")
            try check(
                page == .number(1) || page == .string("1"), "contacts list: 'meta.current_page' got \(CW.describe(page)), want 1")
        },
        ConformanceCase(
            "CW-017", .must, .chatwoot, rule: .entities,
            "The conversations list answers {data: {meta: {…counts}, payload}} with 25 a page.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            let path = "\(cw.account)/conversations?status=all&assignee_type=all&inbox_id=\(cw.inboxId)&page=1"
            var list = try CW.expect(try await CW.send(cw.user, .GET, path), "list conversations")
            for key in ["mine_count", "assigned_count", "unassigned_count", "all_count"] {
                _ = try CW.int(list, "data.meta.\(key)", "conversations list")
            }
            let all = try CW.int(list, "data.meta.all_count", "conversations list")
            if all < 26 {
                let (contactId, _) = try await CW.contact(cw, ctx.caseId)
                for _ in all..<26 {
                    try CW.expect(
                        try await CW.send(
                            cw.bot, .POST, "\(cw.account)/conversations",
                            .object(["inbox_id": .number(Double(cw.inboxId)), "contact_id": .number(Double(contactId))])),
                        "create a conversation")
                }
                list = try CW.expect(try await CW.send(cw.user, .GET, path), "list conversations")
            }
            try checkEqual(try CW.array(list, "data.payload", "conversations list").count, 25, "conversations on the first page")
        },
    ]

    /// Chatwoot's own answers: tokens, unknown ids, team names.
    static let answers: [ConformanceCase] = [
        ConformanceCase(
            "CW-018", .must, .chatwoot, rule: .workspaceIsolation,
            "A bot token on an endpoint outside the bot whitelist is refused 401 with Chatwoot's bot error.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            guard cw.hasDistinctBotToken else { throw CaseSkip(reason: "needs the agent bot's own token (--bot-token)") }
            let answer = try CW.expect(
                try await CW.send(cw.bot, .GET, "\(cw.account)/contacts"), status: 401, "contacts with the bot token")
            try CW.expect(
                answer, "error", equals: "Access to this endpoint is not authorized for bots", "contacts with the bot token")
        },
        ConformanceCase(
            "CW-019", .must, .chatwoot, rule: .workspaceIsolation,
            "An unknown access token is refused 401 {error: Invalid Access Token}.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            var stranger = cw.user
            stranger.token = "conform-unknown-\(UUID().uuidString)"
            let answer = try CW.expect(
                try await CW.send(stranger, .GET, "\(cw.account)/teams"), status: 401, "teams with an unknown token")
            try CW.expect(answer, "error", equals: "Invalid Access Token", "teams with an unknown token")
        },
        ConformanceCase(
            "CW-020", .must, .chatwoot, rule: .badInput,
            "An unknown conversation is 404 {error: Resource could not be found}.",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            let answer = try CW.expect(
                try await CW.send(cw.user, .GET, "\(cw.account)/conversations/999999999"), status: 404,
                "an unknown conversation")
            try CW.expect(answer, "error", equals: "Resource could not be found", "an unknown conversation")
        },
        ConformanceCase(
            "CW-021", .should, .chatwoot, rule: .teams,
            "Team names are stored in lower case (the binding matches names ignoring case).",
            needs: [.chatwootAPI]
        ) { ctx in
            let cw = try ctx.chatwoot
            let teams = try CW.array(
                try CW.expect(try await CW.send(cw.user, .GET, "\(cw.account)/teams"), "list teams"), "", "list teams")
            try check(!teams.isEmpty, "the account has no team")
            let names = teams.compactMap { $0.at("name")?.stringValue }
            try checkEqual(names.filter { $0 != $0.lowercased() }, [], "team names not in lower case")
        },
    ]
}
