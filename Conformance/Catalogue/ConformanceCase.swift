import HandoffContract

/// How strongly the contract asks for what a case checks (RFC 2119).
public enum RequirementLevel: String, Sendable, Codable, CaseIterable, Comparable {
    /// A failure fails the run.
    case must = "MUST"
    /// A failure is a warning.
    case should = "SHOULD"
    /// Optional behaviour; a failure is informational.
    case may = "MAY"

    /// MUST sorts first.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A family of cases that a target may claim.
public enum Profile: String, Sendable, Codable, CaseIterable {
    /// The six semantics plus teams.
    case core
    /// Events to the bot: feed and webhooks.
    case events
    /// Bad input and its answers.
    case errors
    /// Tokens and workspace isolation.
    case security
    /// Chatwoot-specific fidelity rules.
    case chatwoot
    /// A connector's own handoff flow, read from the mock's journal (`handoff verify`).
    case consumer
}

/// What a case needs from the target beyond the ``SupportSystem`` binding.
///
/// A binding declares what its kind of target can offer (``ConformanceBinding/capabilities``); a case
/// that needs something else is skipped with a reason, never failed. `agentDesk`, `otherWorkspace` and
/// `webhooks` are also checked when the run starts (a token may be missing, a subscription may fail).
public enum Capability: String, Sendable, Codable, CaseIterable {
    /// An agent side to accept, reply and resolve (``AgentDesk``).
    case agentDesk
    /// Raw HTTP on the neutral API (bad-input and header checks).
    case neutralHTTP
    /// A second workspace, for isolation checks.
    case otherWorkspace
    /// Webhook subscriptions.
    case webhooks
    /// The pollable event feed (``SupportSystem/events(after:waitSeconds:)``); Chatwoot has none.
    case eventFeed
    /// Raw HTTP on Chatwoot's Application API with the binding's tokens (Chatwoot fidelity checks).
    case chatwootAPI

    /// What it is, for skip reasons.
    public var summary: String {
        switch self {
        case .agentDesk: "an agent side"
        case .neutralHTTP: "raw neutral HTTP"
        case .otherWorkspace: "a second workspace"
        case .webhooks: "webhook subscriptions"
        case .eventFeed: "a pollable event feed"
        case .chatwootAPI: "raw HTTP on Chatwoot's Application API"
        }
    }
}

/// One conformance case: a stable id, the requirement it checks, and the check itself.
public struct ConformanceCase: Sendable {
    /// Stable id such as `XFER-004`; never reused for another check.
    public let id: String
    /// The requirement in one line.
    public let requirement: String
    /// The contract rule it enforces.
    public let rule: ContractRule
    /// MUST, SHOULD or MAY.
    public let level: RequirementLevel
    /// The profile it belongs to.
    public let profile: Profile
    /// What it needs from the target; missing needs skip it with a reason.
    public let needs: Set<Capability>
    /// True when it changes shared state (e.g. takes a team offline) and must run alone.
    public let exclusive: Bool
    /// The check: throws ``CaseFailure`` (or any error) when the target breaks the requirement.
    public let run: @Sendable (CaseContext) async throws -> Void

    /// Creates a case.
    public init(
        _ id: String, _ level: RequirementLevel, _ profile: Profile, rule: ContractRule, _ requirement: String,
        needs: Set<Capability> = [], exclusive: Bool = false, run: @escaping @Sendable (CaseContext) async throws -> Void
    ) {
        self.id = id
        self.requirement = requirement
        self.rule = rule
        self.level = level
        self.profile = profile
        self.needs = needs
        self.exclusive = exclusive
        self.run = run
    }
}
