import Foundation
import HandoffContract
import Logging
import ServiceLifecycle

/// Plays every team's persona, in every workspace: watches the conversations that reach a team with a
/// persona and accepts, replies and resolves on the ``PersonaScheduler``'s schedule. It acts through
/// the same store operations as the control API (`accept`, `post` as the agent, `resolve`), so events,
/// webhooks, the desk and the journal see exactly what a person at the desk would cause.
///
/// Time comes from the injected clock: `ContinuousClock` when serving, a faster or manual one in tests.
/// It wakes when the store signals a change, or when the next action is due on that clock.
final class PersonaDirector<C: Clock>: Service where C.Duration == Duration {
    let store: SupportStore
    let clock: C
    let logger: Logger

    init(store: SupportStore, clock: C, logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            let origin = clock.now
            var scheduler = PersonaScheduler()
            while !Task.isCancelled {
                let generation = store.signal.generation(EventSignal.anyWorkspace)
                let next = await pass(&scheduler, now: origin.duration(to: clock.now))
                if next.acted { continue }
                let deadline = next.due.map { origin.advanced(by: $0) }
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { [store] in
                        await store.signal.wait(workspace: EventSignal.anyWorkspace, since: generation, timeout: .seconds(5))
                    }
                    if let deadline {
                        group.addTask { [clock] in try? await clock.sleep(until: deadline, tolerance: nil) }
                    }
                    await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// One pass over the work: does what is due; returns whether anything was done and when the next action is due.
    private func pass(_ scheduler: inout PersonaScheduler, now: Duration) async -> (acted: Bool, due: Duration?) {
        let work: [PersonaWork]
        do {
            work = try store.personaWork()
        } catch {
            logger.error("scripted agents: cannot read the store", metadata: ["error": "\(error)"])
            return (false, now + .seconds(1))
        }
        var keys: Set<PersonaScheduler.Key> = []
        var earliest: Duration?
        var acted = false
        for item in work {
            guard let agent = agent(for: item) else { continue }
            let assigned = item.state == .assigned
            if assigned && item.assigneeId != agent.id { continue }  // someone else took it
            let key = PersonaScheduler.Key(workspace: item.workspace.id, conversation: item.conversationId)
            keys.insert(key)
            let prior =
                assigned && scheduler.progress[key] == nil
                ? (try? store.replies(by: agent.id, conversationId: item.conversationId)) ?? 0 : 0
            let step = scheduler.step(.init(key: key, persona: item.persona, assigned: assigned, priorReplies: prior), now: now)
            if let action = step.due {
                if await perform(action, item, agent) { acted = true }
                scheduler.did(action, key, now: now)
            } else if let due = step.next {
                earliest = min(earliest ?? due, due)
            }
        }
        scheduler.keep(only: keys)
        return (acted, earliest)
    }

    /// The persona's agent: the one it names, or the team's first.
    private func agent(for item: PersonaWork) -> Agent? {
        let agents = (try? store.agents(item.workspace, teamId: item.teamId)) ?? []
        if let name = item.persona.agent { return agents.first { $0.name == name } }
        return agents.first
    }

    /// Does one action through the store, journals it, and says whether it changed anything.
    private func perform(_ action: PersonaScheduler.Action, _ item: PersonaWork, _ agent: Agent) async -> Bool {
        let started = Date()
        let clockStart = ContinuousClock.now
        var path = "/mock/v1/conversations/\(item.conversationId)/"
        var summary = "scripted agent \(agent.name) (\(item.teamName)) "
        var changes: [JournalChange] = []
        var status = 200
        do {
            switch action {
            case .accept:
                path += "accept"
                _ = try await store.accept(item.workspace, conversationId: item.conversationId, agentId: agent.id)
                summary += "accepted \(item.conversationId)"
                changes.append(JournalChange(entity: "conversation", id: item.conversationId, action: "updated"))
            case .reply(let index):
                path += "reply"
                let template = item.persona.template(reply: index, conversation: item.number) ?? ""
                let text = Persona.render(
                    template, user: item.userName, team: item.teamName, agent: agent.name,
                    lastUserMessage: (try? store.lastUserMessage(conversationId: item.conversationId)) ?? "")
                let (message, _) = try await store.post(
                    item.workspace, conversationId: item.conversationId,
                    NewMessage(author: .agent, text: text, visibility: .public), agentId: agent.id)
                status = 201
                summary += "replied in \(item.conversationId) (\(message.id), seq \(message.seq))"
                changes.append(JournalChange(entity: "message", id: message.id, action: "created"))
            case .resolve:
                path += "resolve"
                _ = try await store.resolve(item.workspace, conversationId: item.conversationId)
                summary += "resolved \(item.conversationId)"
                changes.append(JournalChange(entity: "conversation", id: item.conversationId, action: "updated"))
            }
        } catch {
            logger.info("scripted agent could not act", metadata: ["conversation": "\(item.conversationId)", "error": "\(error)"])
            return false
        }
        store.journal.append(
            JournalEntry(
                time: started, kind: .persona, face: .control, method: "POST", path: path, status: status,
                durationMs: JournalMiddleware.milliseconds(ContinuousClock.now - clockStart), caller: "persona",
                conversationId: item.conversationId, changes: changes, summary: summary),
            workspace: item.workspace.id)
        return true
    }
}

/// The director for a clock given as an existential (``MockConfiguration/personaClock``).
func personaDirector<C: Clock>(clock: C, store: SupportStore, logger: Logger) -> some Service where C.Duration == Duration {
    PersonaDirector(store: store, clock: clock, logger: logger)
}
