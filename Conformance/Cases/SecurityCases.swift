import Foundation
import HandoffClient
import HandoffContract
import NIOHTTP1

/// SEC: tokens and workspace isolation.
enum SecurityCases {
    static let all: [ConformanceCase] = [
        ConformanceCase(
            "SEC-001", .must, .security, rule: .workspaceIsolation, "A request without a token is answered 401.", needs: [.neutralHTTP]
        ) { ctx in
            let response = try await RawChecks.send(try ctx.anonymous, .GET, "/v1/teams")
            try RawChecks.problem(response, status: 401, "no token")
        },
        ConformanceCase(
            "SEC-002", .must, .security, rule: .workspaceIsolation, "A request with a wrong token is answered 401.", needs: [.neutralHTTP]
        ) { ctx in
            var transport = try ctx.raw
            transport.token = "wrong-\(UUID().uuidString)"
            let response = try await RawChecks.send(transport, .GET, "/v1/teams")
            try RawChecks.problem(response, status: 401, "wrong token")
        },
        ConformanceCase(
            "SEC-003", .should, .security, rule: .workspaceIsolation, "A 401 carries a Bearer challenge.", needs: [.neutralHTTP]
        ) { ctx in
            let response = try await RawChecks.send(try ctx.anonymous, .GET, "/v1/teams")
            try check(response.headers["www-authenticate"]?.lowercased().hasPrefix("bearer") == true, "no WWW-Authenticate: Bearer header")
        },
        ConformanceCase(
            "SEC-004", .must, .security, rule: .workspaceIsolation, "A malformed Authorization header is answered 401.",
            needs: [.neutralHTTP]
        ) { ctx in
            let response = try await RawChecks.send(
                try ctx.anonymous, .GET, "/v1/teams", headers: [("Authorization", "Basic Zm9vOmJhcg==")])
            try RawChecks.problem(response, status: 401, "Basic credentials")
        },
        ConformanceCase(
            "SEC-005", .must, .security, rule: .workspaceIsolation, "Another workspace's conversation reads as not found.",
            needs: [.otherWorkspace]
        ) { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            try await checkRefused(["not_found"], "read from another workspace") {
                _ = try await ctx.other.support.conversation(id: conversation.id)
            }
        },
        ConformanceCase(
            "SEC-006", .must, .security, rule: .workspaceIsolation, "Another workspace's user is invisible, by id and by externalId.",
            needs: [.otherWorkspace, .neutralHTTP]
        ) { ctx in
            let user = try await ctx.freshUser()
            // The other workspace has a user of its own, so a lookup that ignored the externalId would find it.
            _ = try await ctx.other.support.ensureUser(.init(externalId: "conform-sec6-other-\(UUID().uuidString)"))
            let response = try await RawChecks.send(try ctx.other.raw, .GET, "/v1/users/\(user.id)")
            try RawChecks.problem(response, status: 404, "user from another workspace")
            let found = try await ctx.other.support.findUser(externalId: user.externalId)
            try checkEqual(found?.id, nil, "user found by externalId from another workspace")
        },
        ConformanceCase(
            "SEC-007", .must, .security, rule: .workspaceIsolation,
            "Posting into another workspace's conversation is not found and stores nothing.", needs: [.otherWorkspace]
        ) { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            try await checkRefused(["not_found"], "post from another workspace") {
                _ = try await ctx.other.support.post(.init(author: .user, text: "intruder"), to: conversation.id)
            }
            let listed = try await ctx.support.messages(in: conversation.id, after: nil, limit: nil)
            try checkEqual(listed.count, 0, "messages stored")
        },
        ConformanceCase(
            "SEC-008", .must, .security, rule: .workspaceIsolation,
            "Transferring or closing another workspace's conversation is not found.", needs: [.otherWorkspace]
        ) { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let team = try await ctx.availableTeam()
            try await checkRefused(["not_found"], "transfer from another workspace") {
                _ = try await ctx.other.support.transfer(conversation.id, to: .name(team.name))
            }
            try await checkRefused(["not_found"], "close from another workspace") {
                _ = try await ctx.other.support.close(conversation.id)
            }
            try checkEqual(try await ctx.support.conversation(id: conversation.id).state, .bot, "state")
        },
        ConformanceCase(
            "SEC-009", .must, .security, rule: .workspaceIsolation, "Another workspace's messages cannot be listed.",
            needs: [.otherWorkspace]
        ) { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            _ = try await ctx.support.post(.init(author: .user, text: "secret"), to: conversation.id)
            try await checkRefused(["not_found"], "list messages from another workspace") {
                _ = try await ctx.other.support.messages(in: conversation.id, after: nil, limit: nil)
            }
        },
        ConformanceCase(
            "SEC-010", .must, .security, rule: .workspaceIsolation, "Another workspace's feed carries none of this workspace's events.",
            needs: [.otherWorkspace, .agentDesk, .eventFeed]
        ) { ctx in
            let (_, conversation, _) = try await ctx.handedOff()
            _ = try await ctx.desk.accept(conversation.id, agentId: nil)
            _ = try await ctx.feedEvents(for: conversation.id) { !$0.isEmpty }
            var cursor: String? = nil
            for _ in 0..<1000 {
                let page = try await ctx.other.support.events(after: cursor, waitSeconds: 0)
                if page.items.isEmpty { break }
                try check(
                    !page.items.contains { $0.conversationId == conversation.id },
                    "another workspace's feed has event of \(conversation.id)")
                cursor = page.next
            }
        },
        ConformanceCase(
            "SEC-011", .must, .security, rule: .workspaceIsolation, "Another workspace's team cannot be named by id in a transfer.",
            needs: [.otherWorkspace]
        ) { ctx in
            let team = try await ctx.availableTeam()
            let otherUser = try await ctx.other.support.ensureUser(.init(externalId: "conform-sec11-\(UUID().uuidString)"))
            let otherConversation = try await ctx.other.support.openConversation(
                userId: otherUser.id, context: .init(), idempotencyKey: nil)
            let otherTeams = try await ctx.other.support.teams()
            guard !otherTeams.contains(where: { $0.id == team.id }) else { return }
            try await checkRefused(["unknown_team", "not_found"], "transfer to another workspace's team") {
                _ = try await ctx.other.support.transfer(otherConversation.id, to: .id(team.id))
            }
        },
    ]
}
