import Foundation
import HandoffContract
import HandoffRouting

/// The `--json` shape of a decision: `outcome` is `team`, `ask` or `bot`; after `--interactive`,
/// `replies` holds each answer read and how it was understood.
struct RouteDecisionJSON: Encodable {
    /// The routing team and the support-side team it stands for.
    struct TeamJSON: Encodable {
        var name: String
        var supportTeamName: String?
        var supportTeamId: String?

        init(_ team: RoutingTeam) {
            name = team.name
            switch team.supportTeam {
            case .name(let support): supportTeamName = support
            case .id(let id): supportTeamId = id
            }
        }
    }

    /// The question, as text and as structured choices.
    struct PromptJSON: Encodable {
        var text: String
        var choices: [Choice]
    }

    var outcome: String
    var team: TeamJSON?
    var prompt: PromptJSON?
    var reason: String
    var summary: String
    var considered: [String]
    var replies: [RouteReply]?

    init(_ decision: Decision, replies: [RouteReply]? = nil) {
        switch decision.outcome {
        case .team(let team):
            outcome = "team"
            self.team = TeamJSON(team)
        case .ask(let prompt):
            outcome = "ask"
            self.prompt = PromptJSON(text: prompt.text, choices: prompt.choices)
        case .bot:
            outcome = "bot"
        }
        switch decision.reason {
        case .rule: reason = "rule"
        case .intent: reason = "intent"
        case .fallback: reason = "fallback"
        case .alternate: reason = "alternate"
        case .otherwise: reason = "otherwise"
        }
        summary = decision.summary
        considered = decision.considered
        self.replies = replies
    }

    /// The JSON text, pretty-printed with sorted keys.
    func text() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
