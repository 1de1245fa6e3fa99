import Foundation
import HandoffClient
import HandoffContract
import Logging
import Testing

@testable import MockServer

/// Scripted agents: per team, accept after a delay, reply from templates, resolve — on an injected clock.
@Suite("Scripted agents (personas)")
struct PersonaTests {
    typealias Key = PersonaScheduler.Key

    static let key = Key(workspace: 1, conversation: "cnv_1")

    static func observe(_ persona: Persona, assigned: Bool, prior: Int = 0) -> PersonaScheduler.Observation {
        .init(key: key, persona: persona, assigned: assigned, priorReplies: prior)
    }

    @Test("the schedule: accept after the delay, a reply every beat, resolve after N replies")
    func schedule() {
        let persona = Persona(acceptAfter: 2, replyEvery: 3, replies: ["a", "b", "c"], resolveAfterReplies: 2)
        var scheduler = PersonaScheduler()
        #expect(scheduler.step(Self.observe(persona, assigned: false), now: .seconds(10)) == (nil, .seconds(12)))
        #expect(scheduler.step(Self.observe(persona, assigned: false), now: .seconds(11.9)).due == nil)
        #expect(scheduler.step(Self.observe(persona, assigned: false), now: .seconds(12)).due == .accept)
        scheduler.did(.accept, Self.key, now: .seconds(12))
        #expect(scheduler.step(Self.observe(persona, assigned: true), now: .seconds(12)) == (nil, .seconds(15)))
        #expect(scheduler.step(Self.observe(persona, assigned: true), now: .seconds(15)).due == .reply(index: 0))
        scheduler.did(.reply(index: 0), Self.key, now: .seconds(15))
        #expect(scheduler.step(Self.observe(persona, assigned: true), now: .seconds(18)).due == .reply(index: 1))
        scheduler.did(.reply(index: 1), Self.key, now: .seconds(18))
        #expect(scheduler.step(Self.observe(persona, assigned: true), now: .seconds(20)) == (nil, .seconds(21)))
        #expect(scheduler.step(Self.observe(persona, assigned: true), now: .seconds(21)).due == .resolve)
        scheduler.did(.resolve, Self.key, now: .seconds(21))
        #expect(scheduler.progress.isEmpty)
    }

    @Test("resolveAfter cuts the replies short; no templates means accept then resolve")
    func deadlines() {
        let hurried = Persona(acceptAfter: 0, replyEvery: 10, replies: ["a", "b"], resolveAfter: 15)
        var scheduler = PersonaScheduler()
        #expect(scheduler.step(Self.observe(hurried, assigned: false), now: .zero).due == .accept)
        scheduler.did(.accept, Self.key, now: .zero)
        #expect(scheduler.step(Self.observe(hurried, assigned: true), now: .seconds(10)).due == .reply(index: 0))
        scheduler.did(.reply(index: 0), Self.key, now: .seconds(10))
        #expect(scheduler.step(Self.observe(hurried, assigned: true), now: .seconds(12)) == (nil, .seconds(15)))
        #expect(scheduler.step(Self.observe(hurried, assigned: true), now: .seconds(15)).due == .resolve)

        let silent = Persona(acceptAfter: 1, replyEvery: 2)
        var other = PersonaScheduler()
        #expect(other.step(Self.observe(silent, assigned: false), now: .seconds(1)) == (nil, .seconds(2)))
        other.did(.accept, Self.key, now: .seconds(2))
        #expect(other.step(Self.observe(silent, assigned: true), now: .seconds(4)).due == .resolve)
    }

    @Test("a conversation sent back to the queue starts over; one first seen assigned counts the replies already written")
    func restarts() {
        let persona = Persona(acceptAfter: 1, replyEvery: 1, replies: ["a", "b"])
        var scheduler = PersonaScheduler()
        #expect(scheduler.step(Self.observe(persona, assigned: true, prior: 1), now: .seconds(5)) == (nil, .seconds(6)))
        #expect(scheduler.step(Self.observe(persona, assigned: true, prior: 1), now: .seconds(6)).due == .reply(index: 1))
        #expect(scheduler.step(Self.observe(persona, assigned: false), now: .seconds(7)) == (nil, .seconds(8)))
        scheduler.keep(only: [])
        #expect(scheduler.progress.isEmpty)
    }

    @Test("templates: placeholders filled; a random pick depends only on the seed, the conversation and the position")
    func templates() {
        #expect(
            Persona.render(
                "Hi {user}, {agent} of {team}: “{lastUserMessage}” {unknown}", user: "Ada", team: "Billing", agent: "Bea",
                lastUserMessage: "refund?") == "Hi Ada, Bea of Billing: “refund?” {unknown}")
        let inOrder = Persona(replies: ["a", "b"])
        #expect((0..<4).compactMap { inOrder.template(reply: $0, conversation: 9) } == ["a", "b", "a", "b"])
        let random = Persona(replies: ["a", "b", "c", "d", "e"], pick: .random, seed: 42)
        let first = (0..<8).compactMap { random.template(reply: $0, conversation: 3) }
        #expect(first == (0..<8).compactMap { random.template(reply: $0, conversation: 3) })
        #expect(Set(first).count > 1)
        var reseeded = random
        reseeded.seed = 43
        #expect(first != (0..<8).compactMap { reseeded.template(reply: $0, conversation: 3) })
    }

    @Test("bad personas are 422 naming the member; the agent must be one of the team's")
    func validation() async throws {
        try await withServer { server in
            for (body, field) in [
                (#"{"acceptAfter":-1}"#, "acceptAfter"), (#"{"replies":[""]}"#, "replies[0]"),
                (#"{"resolveAfterReplies":2}"#, "replies"), (#"{"agent":"Theo Tech"}"#, "agent"), (#"{"pick":"often"}"#, "pick"),
            ] {
                let response = try await server.http().send(.PUT, "/mock/v1/teams/team_2/persona", text: body)
                #expect(response.status == 422, "\(body): \(response.responseBody)")
                #expect(json(response)["field"] as? String == field, "\(body): \(response.responseBody)")
            }
            let missing = try await server.http().send(.PUT, "/mock/v1/teams/team_999/persona", text: "{}")
            #expect(missing.status == 404)
            #expect(throws: SeedError.self) {
                try Seed.parse(yaml: "workspaces: [{name: w, tokens: [t], teams: [{name: A, persona: {replyEvery: -2}}]}]")
            }
        }
    }

    @Test("set, read and remove through the control API; a seed can carry one")
    func controlAPI() async throws {
        try await withServer { server in
            let set = try await server.http().send(
                .PUT, "/mock/v1/teams/team_2/persona", text: #"{"agent":"Bob Billing","acceptAfter":2,"replies":["hi {user}"]}"#)
            #expect(set.status == 200, "\(set.responseBody)")
            #expect(json(set)["summary"] as? String == "accepts after 2 s, 1 reply every 1 s, then resolves")
            let read = try await server.http().send(.GET, "/mock/v1/teams/team_2/persona")
            #expect((json(read)["persona"] as? [String: Any])?["agent"] as? String == "Bob Billing")
            let removed = try await server.http().send(.PUT, "/mock/v1/teams/team_2/persona", text: "null")
            #expect(removed.status == 200, "\(removed.responseBody)")
            let gone = try await server.http().send(.GET, "/mock/v1/teams/team_2/persona")
            #expect(gone.status == 200 && json(gone)["persona"] is NSNull, "\(gone.responseBody)")
            #expect((json(gone)["summary"] as? String)?.hasPrefix("no scripted agent") == true)
            let unknown = try await server.http().send(.GET, "/mock/v1/teams/team_999/persona")
            #expect(unknown.status == 404 && json(unknown)["code"] as? String == "not_found")
        }
        let seed = try Seed.parse(
            yaml: """
                workspaces:
                  - name: ci
                    tokens: [ci-token]
                    teams:
                      - name: Billing
                        agents: [{name: Bea}]
                        persona: {acceptAfter: 0.5, replies: ["Hello {user}"], pick: random, seed: 7}
                """)
        let store = try SupportStore(path: nil)
        try await store.apply(seed)
        let workspace = try #require(try store.workspace(named: "ci"))
        let team = try #require(try store.teams(workspace).first)
        #expect(try store.persona(workspace, teamId: team.id)?.seed == 7)
    }

    @Test("on a manual clock: nothing before the delay, then accept, the replies (templated) and resolve reach the bot")
    func playsTheAgent() async throws {
        let clock = ManualClock()
        let store = try SupportStore(path: nil)
        try await store.apply(.defaultSeed)
        var logger = Logger(label: "test.persona")
        logger.logLevel = .critical
        let mock = try await RunningMock.start(config: .init(port: 0, personaClock: clock), store: store, logger: logger)
        let server = TestServer(mock: mock)
        do {
            let set = try await server.http().send(
                .PUT, "/mock/v1/teams/team_2/persona",
                text:
                    #"{"acceptAfter":2,"replyEvery":3,"replies":["Hi {user}, {agent} from {team}. You said: {lastUserMessage}","Refunded."]}"#
            )
            #expect(set.status == 200)
            let user = try await server.support.ensureUser(.init(externalId: "ada", name: "Ada"))
            let conversation = try await server.support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
            _ = try await server.support.post(.init(author: .user, text: "I was charged twice"), to: conversation.id)
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))

            try await clock.waitForSleeper(until: .seconds(2))
            clock.advance(by: .milliseconds(1900))
            #expect(try await server.support.conversation(id: conversation.id).state == .queued)
            clock.advance(by: .milliseconds(100))
            try await clock.waitForSleeper(until: .seconds(5))
            let assigned = try await server.support.conversation(id: conversation.id)
            #expect(assigned.state == .assigned && assigned.assigneeId == "agt_3")

            clock.advance(by: .seconds(3))
            try await clock.waitForSleeper(until: .seconds(8))
            clock.advance(by: .seconds(3))
            try await clock.waitForSleeper(until: .seconds(11))
            #expect(try await server.support.conversation(id: conversation.id).state == .assigned)
            clock.advance(by: .seconds(3))
            var state = ConversationState.assigned
            for _ in 0..<200 where state != .resolved {
                try await Task.sleep(for: .milliseconds(10))
                state = try await server.support.conversation(id: conversation.id).state
            }
            #expect(state == .resolved)

            let events = try await server.support.events(after: nil, waitSeconds: 0).items.filter { $0.conversationId == conversation.id }
            #expect(events.map(\.type) == [.conversationAssigned, .messageCreated, .messageCreated, .conversationResolved])
            #expect(events.compactMap(\.message?.text) == ["Hi Ada, Bea Billing from Billing. You said: I was charged twice", "Refunded."])
            let journal = try await server.http().send(.GET, "/mock/v1/journal?kind=persona")
            let summaries = (json(journal)["data"] as? [[String: Any]] ?? []).compactMap { $0["summary"] as? String }
            #expect(summaries.count == 4 && summaries.first == "scripted agent Bea Billing (Billing) accepted \(conversation.id)")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("it leaves alone a conversation a person took, and teams without a persona")
    func leavesOthersAlone() async throws {
        let clock = AcceleratedClock(factor: 1000)
        let store = try SupportStore(path: nil)
        try await store.apply(.defaultSeed)
        var logger = Logger(label: "test.persona")
        logger.logLevel = .critical
        let mock = try await RunningMock.start(config: .init(port: 0, personaClock: clock), store: store, logger: logger)
        let server = TestServer(mock: mock)
        do {
            let (_, taken) = try await server.conversation()
            _ = try await server.support.post(.init(author: .user, text: "hi"), to: taken.id)
            _ = try await server.support.transfer(taken.id, to: .name("Billing"))
            _ = try await server.desk.accept(taken.id, agentId: "agt_4")  // Bob takes it himself
            _ = try await server.http().send(.PUT, "/mock/v1/teams/team_2/persona", text: #"{"acceptAfter":0,"replies":["x"]}"#)
            let (_, elsewhere) = try await server.conversation()
            _ = try await server.support.transfer(elsewhere.id, to: .name("Technical Support"))
            // The control: a conversation the persona may take is taken, so the persona did run meanwhile.
            let (_, control) = try await server.conversation()
            _ = try await server.support.transfer(control.id, to: .name("Billing"))
            var controlState = ConversationState.queued
            for _ in 0..<300 where controlState == .queued {
                try await Task.sleep(for: .milliseconds(10))
                controlState = try await server.support.conversation(id: control.id).state
            }
            #expect(controlState != .queued, "the persona never acted, so what follows proves nothing")
            try await Task.sleep(for: .milliseconds(100))  // 100 s more on the persona's clock
            let held = try await server.support.conversation(id: taken.id)
            #expect(held.state == .assigned && held.assigneeId == "agt_4")
            #expect(try await server.support.conversation(id: elsewhere.id).state == .queued)
            #expect(try await server.support.messages(in: taken.id, after: nil, limit: nil).allSatisfy { $0.author != .agent })
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
