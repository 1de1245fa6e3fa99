import Foundation
import HandoffRouting

/// One answer read by `handoff route --interactive`, and how the ask flow understood it.
struct RouteReply: Encodable, Sendable {
    /// The line as read.
    var text: String
    /// What it led to: `reask`, `chosen`, `cancelled` or `gaveUp`.
    var step: String
    /// The routing team it led to, for `chosen` and for `gaveUp` with a team.
    var team: String?
    /// How it was understood, for people.
    var understood: String
}

/// Plays the ask exchange the way the bot would, on lines read one at a time: shows the question
/// with its numbered choices, reads each answer, says how ``AskSession`` understood it (a re-ask,
/// a choice, a cancel word, or giving up once the re-asks are used), and ends with the decision the
/// exchange leads to, rerouted past the unavailable teams.
struct RouteAskPlayer {
    /// What the exchange ended with.
    enum Ending {
        /// The exchange finished: the decision it leads to and every answer read.
        case decided(Decision, [RouteReply])
        /// The input ended while a question was open.
        case inputEnded([RouteReply])
    }

    /// Exit code when the input ends while a question is open.
    static let inputEndedCode: Int32 = 3

    /// The router of the rules file.
    let router: Router
    /// Routing team names that cannot take the conversation (`--unavailable`).
    let unavailable: Set<String>
    /// Writes one line of the exchange.
    let show: (String) -> Void
    /// Reads one answer; nil at the end of the input.
    let read: () -> String?

    /// Runs the exchange that `decision` (an ask) opens.
    func play(after decision: Decision) -> Ending {
        var session = router.askSession(excluding: unavailable)
        let questions = session.maxReasks + 1
        var prompt = session.start()
        var replies: [RouteReply] = []
        while true {
            for line in prompt.text.split(separator: "\n", omittingEmptySubsequences: false) { show(String(line)) }
            guard let text = read() else { return .inputEnded(replies) }
            let step = session.reply(text)
            let reply = Self.describe(step, reply: text, prompt: prompt, questions: questions)
            show("  → \(reply.understood)")
            replies.append(reply)
            switch step {
            case .reask(let next): prompt = next
            case .chosen(let team): return finish(decision, replies, outcome: .team(team))
            case .cancelled: return finish(decision, replies, outcome: .bot)
            case .gaveUp(let team): return finish(decision, replies, outcome: team.map { .team($0) } ?? .bot)
            }
        }
    }

    /// The decision the exchange leads to: the ask decision's reason, its summary and steps with the
    /// answers added, then rerouted like any decision.
    private func finish(_ decision: Decision, _ replies: [RouteReply], outcome: Decision.Outcome) -> Ending {
        let last = replies.last?.understood ?? ""
        let final = Decision(
            outcome: outcome, reason: decision.reason, summary: decision.summary + "; then " + last,
            considered: decision.considered + replies.map { "ask: reply '\($0.text)' → \($0.understood)" })
        return .decided(router.reroute(final, unavailable: unavailable), replies)
    }

    /// How a step was reached, in words.
    static func describe(_ step: AskSession.Step, reply: String, prompt: AskPrompt, questions: Int) -> RouteReply {
        switch step {
        case .chosen(let team):
            let picked = prompt.option(matching: reply).map { option in
                "choice \(option.number) '\(option.label)' by \(how(option, reply: reply)): "
            }
            return RouteReply(
                text: reply, step: "chosen", team: team.name,
                understood: "chosen: \(picked ?? "")team '\(team.name)'")
        case .reask(let next):
            return RouteReply(
                text: reply, step: "reask", team: nil,
                understood: "re-ask (question \(next.attempt) of \(questions)): \(whyNot(reply))")
        case .cancelled:
            return RouteReply(
                text: reply, step: "cancelled", team: nil,
                understood: "cancelled: '\(reply)' is a cancel word; the conversation stays with the bot")
        case .gaveUp(let team):
            let why = "gave up after \(questions) question\(questions == 1 ? "" : "s") (\(whyNot(reply)))"
            return RouteReply(
                text: reply, step: "gaveUp", team: team?.name,
                understood: team.map { "\(why): ask.giveUp team '\($0.name)'" }
                    ?? "\(why): the conversation stays with the bot")
        }
    }

    /// Which part of an option the reply matched, compared as ``AskPrompt/option(matching:)`` does.
    private static func how(_ option: AskPrompt.Option, reply: String) -> String {
        if TextMatching.number(in: reply) == option.number { return "number" }
        let folded = TextMatching.fold(reply)
        if TextMatching.fold(option.label) == folded { return "label" }
        if let synonym = option.synonyms.first(where: { TextMatching.fold($0) == folded }) {
            return "synonym '\(synonym)'"
        }
        return "match"
    }

    /// Why a reply picked nothing.
    private static func whyNot(_ reply: String) -> String {
        if TextMatching.fold(reply).isEmpty { return "an empty reply names no choice" }
        if let number = TextMatching.number(in: reply) { return "no choice has number \(number)" }
        return "'\(reply)' is no choice's number, label or synonym, nor a cancel word"
    }
}

extension RouteAskPlayer {
    /// Reads answers from standard input. On a terminal it writes `> ` before each; from a pipe it
    /// shows each answer after `> `, so the transcript reads the same either way.
    static func standardInput(show: @escaping (String) -> Void, promptTo handle: FileHandle) -> () -> String? {
        let terminal = isatty(STDIN_FILENO) == 1
        return {
            if terminal { handle.write(Data("> ".utf8)) }
            guard let line = readLine(strippingNewline: true) else { return nil }
            if !terminal { show("> \(line)") }
            return line
        }
    }
}
