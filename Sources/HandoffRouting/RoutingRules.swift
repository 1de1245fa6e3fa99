import HandoffContract

/// A routing rules file in memory: teams with their intent patterns, dynamic rules, the fallback,
/// the ask prompt and the availability policy.
///
/// Read one with ``RulesLoader``, which validates it; a value built in code is used as it is
/// (see ``Router`` for how it treats a name no team declares).
public struct RoutingRules: Sendable, Hashable {
    /// The teams, in file order. File order breaks ties between equally specific patterns.
    public var teams: [RoutingTeam]
    /// Rules on attributes and slots, evaluated before intents, in file order; the first that applies wins.
    public var rules: [DynamicRule]
    /// What happens when no rule and no unfinished intent decides. Default: ``FallbackPolicy/ask``.
    public var fallback: FallbackPolicy
    /// The question asked when the user must pick a team.
    public var ask: AskPolicy
    /// What to try when the chosen team cannot take the conversation.
    public var availability: AvailabilityPolicy

    /// Creates rules.
    public init(
        teams: [RoutingTeam], rules: [DynamicRule] = [], fallback: FallbackPolicy = .ask, ask: AskPolicy = AskPolicy(),
        availability: AvailabilityPolicy = AvailabilityPolicy()
    ) {
        self.teams = teams
        self.rules = rules
        self.fallback = fallback
        self.ask = ask
        self.availability = availability
    }

    /// The team declared with this routing name (exact match), if any.
    public func team(named name: String) -> RoutingTeam? {
        teams.first { $0.name == name }
    }

    /// The names of the teams that stand for `supportTeam` on the support side — by its id, or by
    /// its name compared ignoring case, as support systems compare names. Several routing teams may
    /// share one support team; when it cannot take a conversation, none of them can, so pass all of
    /// them to ``Router/reroute(_:unavailable:)``.
    public func teamNames(for supportTeam: Team) -> Set<String> {
        Set(
            teams.filter { team in
                switch team.supportTeam {
                case .id(let id): id == supportTeam.id
                case .name(let name): name.lowercased() == supportTeam.name.lowercased()
                }
            }.map(\.name))
    }

    /// The team declared with this name, or — for a name no team declares, which only rules built
    /// in code can hold — a team of that name whose support-side team is named the same.
    func resolve(_ name: String) -> RoutingTeam {
        team(named: name) ?? RoutingTeam(name: name)
    }

    /// What the availability policy does once a team's alternates are used up: its own
    /// `otherwise`, or else the fallback.
    var effectiveOtherwise: FallbackPolicy {
        availability.otherwise ?? fallback
    }

    /// The team the ask flow follows when the user never gives a usable answer; nil means back to the bot.
    var giveUpTeam: RoutingTeam? {
        switch ask.giveUp {
        case .bot: nil
        case .team(let name): resolve(name)
        case .fallbackTeam:
            if case .team(let name) = fallback { resolve(name) } else { nil }
        }
    }
}

/// One team of the rules file: the name the file uses for it, the support-side team it stands for,
/// and the intents it takes.
public struct RoutingTeam: Sendable, Hashable {
    /// The name the rules file uses for the team; rules, choices and policies refer to it by this name.
    public var name: String
    /// The team on the support side, by name or id; a transfer names it.
    public var supportTeam: TeamReference
    /// The intent patterns the team takes, in file order.
    public var patterns: [IntentPattern]
    /// The line of the rules file where the team starts; nil for teams built in code.
    public var line: Int?

    /// Creates a team; `supportTeam` defaults to the support-side team with the same `name`.
    public init(name: String, supportTeam: TeamReference? = nil, patterns: [IntentPattern] = [], line: Int? = nil) {
        self.name = name
        self.supportTeam = supportTeam ?? .name(name)
        self.patterns = patterns
        self.line = line
    }

    /// The support-side team for people: `'Billing'` or `id team_2`.
    public var supportTeamDescription: String {
        switch supportTeam {
        case .name(let name): "'\(name)'"
        case .id(let id): "id \(id)"
        }
    }
}

/// What happens when nothing else decides.
public enum FallbackPolicy: Sendable, Hashable, CustomStringConvertible {
    /// Ask the user to pick a team (``AskPolicy``).
    case ask
    /// Hand the conversation to this team (a ``RoutingTeam/name``).
    case team(String)
    /// Do not hand off: the conversation stays with the bot.
    case bot

    /// `ask`, `bot` or `team 'Billing'`.
    public var description: String {
        switch self {
        case .ask: "ask"
        case .bot: "bot"
        case .team(let name): "team '\(name)'"
        }
    }
}
