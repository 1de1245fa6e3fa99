import Foundation
import GRDB
import HandoffContract
import Testing

@testable import MockServer

/// The dispatcher's look at what is due stays a few index steps per subscription, however large the backlog.
@Suite("Due deliveries")
struct DueDeliveriesTests {
    @Test("with one workspace's backlog, each workspace gets its turn, oldest first, and no query scans the backlog")
    func boundedAndFair() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = temporary.store
        let busy = try await store.createWorkspace(name: "busy", token: "busy-token")
        let quiet = try await store.createWorkspace(name: "quiet", token: "quiet-token")
        for workspace in [busy, quiet] {
            _ = try await store.createWebhook(workspace, url: "http://127.0.0.1:9/hook", secret: "s")
        }
        // An agent takes a conversation (`conversation.assigned`) and sends `count` messages (`message.created` each):
        // one delivery per event.
        func events(_ workspace: Workspace, messages count: Int) async throws {
            let user = try await store.ensureUser(workspace, NewUser(externalId: "u-\(workspace.id)")).user
            let conversation = try await store.openConversation(workspace, userId: user.id, context: .init(), idempotencyKey: nil)
                .conversation
            let team = try await store.createTeam(workspace, name: "Team", description: nil)
            let agent = try await store.addAgent(workspace, teamId: team.id, name: "Agent", email: nil)
            _ = try await store.transfer(workspace, conversationId: conversation.id, to: .id(team.id))
            _ = try await store.accept(workspace, conversationId: conversation.id, agentId: agent.id)
            for index in 0..<count {
                _ = try await store.post(
                    workspace, conversationId: conversation.id, NewMessage(author: .agent, text: "m\(index)"), agentId: agent.id)
            }
        }
        try await events(busy, messages: 300)
        try await events(quiet, messages: 0)

        let (due, _) = try store.dueDeliveries(now: Date().timeIntervalSince1970 + 60, limit: 6, perWorkspace: 3)
        #expect(due.count == 4, "3 of the busy workspace, 1 of the quiet one: \(due.map(\.id))")
        #expect(due.filter { $0.workspaceId == quiet.id }.count == 1, "the quiet workspace's one delivery is among the first")
        #expect(due.prefix(2).contains { $0.workspaceId == quiet.id }, "it comes in the first turn, not after the backlog")
        let busyIds = due.filter { $0.workspaceId == busy.id }.map(\.id)
        #expect(busyIds == busyIds.sorted(), "oldest first")

        // The store's own per-subscription query walks its index: no scan of the deliveries table, no sort.
        let plan = try store.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(SupportStore.dueForTargetSQL)", arguments: [1, 1e12, 3])
                .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("deliveries_target_due") }, "\(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
    }
}
