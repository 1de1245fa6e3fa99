import Foundation
import HandoffClient
import HandoffContract
import HandoffRouting

/// What a consumer case looks at: the trace of the run, the workspace's teams, the routing rules if
/// given, how fast a webhook must be acknowledged, and which users the driver saw leave.
public struct ConsumerEvidence: Sendable {
    /// What the connector did.
    public var trace: HandoffTrace
    /// The workspace's teams now.
    public var teams: [Team]
    /// The routing rules the transfer must follow, if given.
    public var router: Router?
    /// Longest acceptable time to acknowledge a webhook.
    public var ackWithin: Duration
    /// The external ids of users who left the chat (known only when `--drive` played them).
    public var leftUsers: Set<String> = []
}

/// A case that cannot apply to this kind of connector by design (a Chatwoot connector has no message
/// idempotency key to send); reported as not applicable, never as a pass.
public struct CaseNotApplicable: Error, Sendable {
    /// Why.
    public var reason: String
}

/// One check of a connector's own handoff flow, read from the journal after the run — the client's
/// side of the contract, where ``Catalogue`` checks the server's side.
///
/// A check passes only on evidence: it throws ``CaseSkip`` when the run shows nothing it can judge.
public struct ConsumerCase: Sendable {
    /// Stable id, `CON-001`…
    public let id: String
    /// MUST, SHOULD or MAY.
    public let level: RequirementLevel
    /// The contract rule the connector must obey.
    public let rule: ContractRule
    /// The requirement in one line.
    public let requirement: String
    /// The check: throws ``CaseFailure`` with the evidence, ``CaseSkip`` when the run shows nothing to
    /// judge, ``CaseNotApplicable`` when it cannot apply to this connector.
    public let check: @Sendable (ConsumerEvidence) throws -> Void

    /// Creates a case.
    public init(
        _ id: String, _ level: RequirementLevel, rule: ContractRule, _ requirement: String,
        check: @escaping @Sendable (ConsumerEvidence) throws -> Void
    ) {
        self.id = id
        self.level = level
        self.rule = rule
        self.requirement = requirement
        self.check = check
    }

    /// The case as the reports know cases (its check runs through ``ConsumerVerifier``, not a ``CaseContext``).
    public var reportCase: ConformanceCase {
        ConformanceCase(id, level, .consumer, rule: rule, requirement) { _ in
            throw CaseSkip(reason: "consumer cases run through handoff verify")
        }
    }

    /// Runs the check and says how it ended.
    func outcome(_ evidence: ConsumerEvidence) -> CaseOutcome {
        do {
            try check(evidence)
            return .passed
        } catch {
            return CaseOutcome(thrown: error) ?? .failed(message: "unexpected error: \(error)", exchanges: [])
        }
    }
}

/// Fails with `message` and the journal entries that show it.
func fail(_ message: String, _ records: [JournalRecord]) -> CaseFailure {
    CaseFailure(message, exchanges: records.map(\.exchange))
}

extension JournalRecord {
    /// The entry shown as an exchange in reports: the request members it kept and its summary.
    var exchange: HTTPExchange {
        let requestText = request.isEmpty ? nil : (try? String(decoding: HTTPTransport.encoder.encode(request), as: UTF8.self))
        var responseText = "journal #\(seq), \(face) face: \(summary)"
        if !response.isEmpty, let data = try? HTTPTransport.encoder.encode(response) {
            responseText += "\n" + String(decoding: data, as: UTF8.self)
        }
        return HTTPExchange(method: method, path: path, requestBody: requestText, status: status, responseBody: responseText)
    }
}

/// The consumer cases, in report order.
public enum ConsumerCatalogue {
    /// Every case.
    public static let all: [ConsumerCase] = [
        userFirst, mirroredBeforeTransfer, noDuplicates, acceptedTransfers, routedTeam, silentAfterTransfer,
        webhooksAcknowledged, closeEndsConversation, nextContactIsNew, retrySafeMessages, truthWhenUnavailable, forgedWebhooksRefused,
    ]

    static let nothingOpened = CaseSkip(
        reason: "no conversation was opened: run the connector's handoff against the mock first (or check --since and the token)")

    /// The conversations the connector opened during the run; none is a run with nothing to judge.
    static func opened(_ evidence: ConsumerEvidence) throws -> [HandoffTrace.ConversationTrace] {
        let opened = evidence.trace.conversations.filter { $0.opened != nil }
        if opened.isEmpty { throw nothingOpened }
        return opened
    }

    /// The conversations the connector tried to hand to a team.
    static func transferred(_ evidence: ConsumerEvidence) throws -> [HandoffTrace.ConversationTrace] {
        let conversations = try opened(evidence).filter { !$0.transfers.isEmpty }
        if conversations.isEmpty {
            throw CaseSkip(
                reason: "no conversation was handed to a team: the run never asked for a transfer, so there is no handoff to judge")
        }
        return conversations
    }

    /// The conversations that reached humans.
    static func handedOff(_ evidence: ConsumerEvidence) throws -> [HandoffTrace.ConversationTrace] {
        let conversations = try transferred(evidence).filter { $0.handoff != nil }
        if conversations.isEmpty {
            throw CaseSkip(reason: "no transfer succeeded during the run, so no conversation reached a team")
        }
        return conversations
    }

    /// The bot's end-user id for a conversation's user, as the connector gave it.
    static func externalId(of conversation: HandoffTrace.ConversationTrace, _ evidence: ConsumerEvidence) -> String? {
        guard let userId = conversation.userId ?? conversation.final?.userId, let seen = evidence.trace.userSightings[userId] else {
            return nil
        }
        return seen.answered("externalId") ?? seen.requested("externalId") ?? seen.requested("identifier")
    }

    /// The first conversation of the same user opened after this one.
    static func nextContact(
        after conversation: HandoffTrace.ConversationTrace, in all: [HandoffTrace.ConversationTrace]
    ) -> HandoffTrace.ConversationTrace? {
        guard let userId = conversation.userId ?? conversation.final?.userId, let opened = conversation.opened else { return nil }
        return all.first { other in
            other.id != conversation.id && (other.userId ?? other.final?.userId) == userId
                && (other.opened?.seq ?? 0) > opened.seq
        }
    }
}

extension TeamReference {
    /// `team_2` or `'Billing'`.
    var text: String {
        switch self {
        case .id(let id): id
        case .name(let name): "'\(name)'"
        }
    }
}
