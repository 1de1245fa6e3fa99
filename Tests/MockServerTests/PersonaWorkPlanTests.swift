import Foundation
import GRDB
import HandoffContract
import Testing

@testable import MockServer

/// The scripted agents ask for their work after every acknowledged write: that look must not grow with the store.
@Suite("Scripted agents' look at the work")
struct PersonaWorkPlanTests {
    @Test("the store's query walks the teams with a persona and their waiting conversations by index, never every conversation")
    func walksTeamsNotConversations() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = temporary.store
        let workspace = try await store.createWorkspace(name: "plan", token: "plan-token")
        let team = try await store.createTeam(workspace, name: "Team", description: nil)
        // An agent, so that the team can take the transfers.
        _ = try await store.addAgent(workspace, teamId: team.id, name: "Agent", email: nil)
        let user = try await store.ensureUser(workspace, NewUser(externalId: "plan-user")).user
        for _ in 0..<50 {
            let conversation = try await store.openConversation(workspace, userId: user.id, context: .init(), idempotencyKey: nil)
            _ = try await store.transfer(workspace, conversationId: conversation.conversation.id, to: .id(team.id))
        }
        try await store.write { db in try db.execute(sql: "ANALYZE") }
        let plan = try store.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(SupportStore.personaWorkSQL)").map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("conversations_team_state") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN c") }, "\(plan)")
        // Still the work it was: none while no team has a persona; with one, the 50 conversations queued there, in order.
        #expect(try store.personaWork().isEmpty)
        _ = try await store.setPersona(workspace, teamId: team.id, Persona(acceptAfter: 1, replyEvery: 2))
        let work = try store.personaWork()
        #expect(work.count == 50)
        #expect(work.allSatisfy { $0.teamId == team.id && $0.state == .queued })
        #expect(work.map(\.number) == work.map(\.number).sorted())
    }
}
