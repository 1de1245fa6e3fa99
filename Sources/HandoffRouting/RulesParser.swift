import HandoffContract
import Yams

/// A place where the file names a team, kept with its position for the reference checks.
struct TeamMention {
    /// The team name as written.
    var name: String
    /// Where it is.
    var line: Int
    /// Where it is on the line.
    var column: Int
    /// Who names it, for messages: `rule 2`, `choice 'Billing'`, `fallback`.
    var context: String
    /// Whether it can send a conversation to the team (an `alternates` key cannot).
    var reaches: Bool
}

/// A reply that picks a choice (its label or a synonym), with its position.
struct ReplyTerm {
    /// The text as written.
    var text: String
    /// Where it is.
    var line: Int
    /// Where it is on the line.
    var column: Int
}

/// What parsing produced: the rules, and the positions the semantic checks need.
struct RulesDraft {
    var rules = RoutingRules(teams: [])
    var mentions: [TeamMention] = []
    /// Per choice, in order: its label then its synonyms.
    var choiceTerms: [[ReplyTerm]] = []
    var cancelTerms: [ReplyTerm] = []
    var rootLine = 1
    var fallbackLine: Int?
    /// True when `fallback` was given but could not be read; the checks that depend on it are skipped.
    var fallbackUnreadable = false
    var otherwiseLine: Int?
    /// How many entries `ask.choices` had, valid or not.
    var choiceEntries = 0
    /// Teams whose entry had an unknown key (likely a misspelt `intents`): not reported as empty.
    var misspeltTeams: Set<String> = []
}

/// Turns the composed YAML tree into a ``RulesDraft``, reporting shape problems (types, unknown and
/// missing keys, bad patterns) as it goes and carrying on past them.
struct RulesParser {
    var reader = NodeReader()
    var draft = RulesDraft()

    static let rootKeys = ["version", "teams", "rules", "fallback", "ask", "availability"]
    static let teamKeys = ["name", "supportTeam", "supportTeamId", "intents"]
    static let ruleKeys = ["name", "when", "team"]
    static let conditionSources = ["attribute", "slot"]
    static let conditionTests = ["equals", "notEquals", "exists", "in"]
    static let askKeys = ["prompt", "retry", "choices", "maxReasks", "cancelWords", "giveUp"]
    static let choiceKeys = ["label", "team", "synonyms"]
    static let availabilityKeys = ["alternates", "otherwise"]

    mutating func parse(_ root: Node) {
        draft.rootLine = NodeReader.line(root)
        guard let fields = reader.fields(root, allowed: Self.rootKeys, in: "the rules file") else { return }
        if let version = fields["version"], reader.integer(version, "version", minimum: 1) != nil, version.int != 1 {
            reader.report(.invalidValue, "version must be 1, the only version of this format", at: version)
        }
        if let teams = reader.require("teams", in: fields, context: "the rules file") {
            let items = reader.list(teams, "teams") ?? []
            if items.isEmpty, teams.tagName == .null || teams.sequence != nil {
                reader.report(.invalidValue, "teams cannot be empty", at: teams)
            }
            draft.rules.teams = items.compactMap { team($0) }
        }
        if let rules = fields["rules"] {
            let items = reader.list(rules, "rules") ?? []
            draft.rules.rules = items.enumerated().compactMap { rule($1, index: $0) }
        }
        if let fallback = fields["fallback"] {
            draft.fallbackLine = NodeReader.line(fallback)
            if let policy = policy(fallback, "fallback", allowAsk: true) {
                draft.rules.fallback = policy
            } else {
                draft.fallbackUnreadable = true
            }
        }
        if let ask = fields["ask"] { self.ask(ask) }
        if let availability = fields["availability"] { self.availability(availability) }
    }

    // MARK: Teams

    private mutating func team(_ node: Node) -> RoutingTeam? {
        guard let fields = reader.fields(node, allowed: Self.teamKeys, in: "a team") else { return nil }
        guard let nameNode = reader.require("name", in: fields, context: "a team"),
            let name = reader.text(nameNode, "a team's name")
        else { return nil }
        let context = "team '\(name)'"
        if fields.hadUnknownKeys { draft.misspeltTeams.insert(name) }
        var support: TeamReference?
        if let byName = fields["supportTeam"], let text = reader.text(byName, "\(context): supportTeam") {
            support = .name(text)
        }
        if let byId = fields["supportTeamId"], let text = reader.text(byId, "\(context): supportTeamId") {
            if support != nil {
                reader.report(
                    .invalidValue, "\(context) has both supportTeam and supportTeamId; keep one", at: byId)
            }
            support = .id(text)
        }
        var patterns: [IntentPattern] = []
        if let intents = fields["intents"] {
            for (text, item) in reader.texts(intents, "\(context): intents") {
                do {
                    patterns.append(try IntentPattern(parsing: text, line: NodeReader.line(item)))
                } catch {
                    reader.report(.invalidPattern, error.description, at: item)
                }
            }
        }
        return RoutingTeam(name: name, supportTeam: support, patterns: patterns, line: NodeReader.line(node))
    }

    // MARK: Dynamic rules

    private mutating func rule(_ node: Node, index: Int) -> DynamicRule? {
        guard let fields = reader.fields(node, allowed: Self.ruleKeys, in: "rule \(index + 1)") else { return nil }
        let name = fields["name"].flatMap { reader.text($0, "rule \(index + 1): name") }
        let title = DynamicRule(name: name, conditions: [], team: "", line: NodeReader.line(node)).title(index: index)
        var conditions: [Condition] = []
        var valid = true
        if let when = reader.require("when", in: fields, context: title) {
            if case .mapping = when {
                if let condition = condition(when, title: title) { conditions.append(condition) } else { valid = false }
            } else if let items = reader.list(when, "\(title): when") {
                if items.isEmpty {
                    reader.report(.invalidValue, "\(title): when needs at least one condition", at: when)
                }
                for item in items {
                    if let condition = condition(item, title: title) {
                        conditions.append(condition)
                    } else {
                        valid = false
                    }
                }
            }
        }
        var team: String?
        if let teamNode = reader.require("team", in: fields, context: title) {
            team = mention(teamNode, context: title)
        }
        guard valid, !conditions.isEmpty, let team else { return nil }
        return DynamicRule(name: name, conditions: conditions, team: team, line: NodeReader.line(node))
    }

    private mutating func condition(_ node: Node, title: String) -> Condition? {
        let context = "a condition of \(title)"
        guard let fields = reader.fields(node, allowed: Self.conditionSources + Self.conditionTests, in: context) else {
            return nil
        }
        let sources = Self.conditionSources.filter { fields[$0] != nil }
        let tests = Self.conditionTests.filter { fields[$0] != nil }
        if sources.isEmpty { reader.report(.missingKey, "\(context) needs 'attribute' or 'slot'", at: node) }
        if sources.count > 1 {
            reader.report(
                .invalidValue, "\(context) names both an attribute and a slot; write two conditions", at: node)
        }
        if tests.isEmpty {
            reader.report(.missingKey, "\(context) needs one test: equals, notEquals, exists or in", at: node)
        }
        if tests.count > 1 {
            reader.report(
                .invalidValue,
                "\(context) has several tests (\(tests.joined(separator: ", "))); write one per condition",
                at: node)
        }
        guard sources.count == 1, tests.count == 1, let source = sources.first, let testName = tests.first,
            let keyNode = fields[source], let key = reader.text(keyNode, "\(context): \(source)"),
            let value = fields[testName]
        else { return nil }
        let test: Condition.Test
        switch testName {
        case "exists":
            guard let flag = reader.boolean(value, "\(context): exists") else { return nil }
            test = .exists(flag)
        case "in":
            guard let items = reader.list(value, "\(context): in") else { return nil }
            if items.isEmpty {
                reader.report(.invalidValue, "\(context): in needs at least one value", at: value)
                return nil
            }
            guard items.allSatisfy({ present($0, context) }) else { return nil }
            test = .oneOf(items.map(reader.json))
        default:
            guard present(value, context) else { return nil }
            test = testName == "equals" ? .equals(reader.json(value)) : .notEquals(reader.json(value))
        }
        return Condition(source: source == "slot" ? .slot : .attribute, key: key, test: test)
    }

    /// Reports a null compared against: absence is tested with `exists: false`.
    private mutating func present(_ node: Node, _ context: String) -> Bool {
        guard node.tagName == .null else { return true }
        reader.report(.invalidValue, "\(context) compares with null; test absence with 'exists: false'", at: node)
        return false
    }

    // MARK: Policies

    /// `ask`, `bot` or `{team: NAME}`.
    private mutating func policy(_ node: Node, _ what: String, allowAsk: Bool) -> FallbackPolicy? {
        let shapes = allowAsk ? "'ask', 'bot' or {team: NAME}" : "'bot' or {team: NAME}"
        switch node {
        case .scalar(let scalar) where scalar.string == "bot": return .bot
        case .scalar(let scalar) where scalar.string == "ask" && allowAsk: return .ask
        case .scalar(let scalar):
            reader.report(
                .invalidValue,
                "\(what) must be \(shapes); to send the conversation to a team write {team: \(scalar.string)}",
                at: node)
            return nil
        default:
            guard let fields = reader.fields(node, allowed: ["team"], in: what),
                let team = reader.require("team", in: fields, context: what),
                let name = mention(team, context: what)
            else { return nil }
            return .team(name)
        }
    }

    /// Reads a team name and records where it was named.
    private mutating func mention(_ node: Node, context: String, reaches: Bool = true) -> String? {
        guard let name = reader.text(node, "\(context): team") else { return nil }
        draft.mentions.append(
            .init(
                name: name, line: NodeReader.line(node), column: NodeReader.column(node), context: context,
                reaches: reaches))
        return name
    }

    // MARK: Ask

    private mutating func ask(_ node: Node) {
        guard let fields = reader.fields(node, allowed: Self.askKeys, in: "ask") else { return }
        if let prompt = fields["prompt"], let text = reader.text(prompt, "ask.prompt") { draft.rules.ask.prompt = text }
        if let retry = fields["retry"], let text = reader.text(retry, "ask.retry") { draft.rules.ask.retry = text }
        if let max = fields["maxReasks"], let value = reader.integer(max, "ask.maxReasks", minimum: 0) {
            draft.rules.ask.maxReasks = value
        }
        if let words = fields["cancelWords"] {
            let items = reader.texts(words, "ask.cancelWords")
            draft.rules.ask.cancelWords = items.map(\.text)
            draft.cancelTerms = items.map { term($0.text, $0.node) }
        }
        if let giveUp = fields["giveUp"], let policy = policy(giveUp, "ask.giveUp", allowAsk: false) {
            if case .team(let name) = policy {
                draft.rules.ask.giveUp = .team(name)
            } else {
                draft.rules.ask.giveUp = .bot
            }
        }
        if let choices = fields["choices"] {
            let items = reader.list(choices, "ask.choices") ?? []
            draft.choiceEntries = items.count
            for item in items { choice(item) }
        }
    }

    private mutating func choice(_ node: Node) {
        let number = draft.rules.ask.choices.count + 1
        guard let fields = reader.fields(node, allowed: Self.choiceKeys, in: "choice \(number)") else { return }
        guard let labelNode = reader.require("label", in: fields, context: "choice \(number)"),
            let label = reader.text(labelNode, "choice \(number): label")
        else { return }
        let context = "choice '\(label)'"
        let synonyms = fields["synonyms"].map { reader.texts($0, "\(context): synonyms") } ?? []
        guard let teamNode = fields["team"], teamNode.tagName != .null else {
            reader.report(.choiceWithoutTeam, "\(context) names no team; add team: NAME", at: node)
            return
        }
        guard let team = mention(teamNode, context: context) else { return }
        draft.rules.ask.choices.append(
            AskChoice(label: label, team: team, synonyms: synonyms.map(\.text), line: NodeReader.line(node)))
        draft.choiceTerms.append([term(label, labelNode)] + synonyms.map { term($0.text, $0.node) })
    }

    private func term(_ text: String, _ node: Node) -> ReplyTerm {
        ReplyTerm(text: text, line: NodeReader.line(node), column: NodeReader.column(node))
    }

    // MARK: Availability

    private mutating func availability(_ node: Node) {
        guard let fields = reader.fields(node, allowed: Self.availabilityKeys, in: "availability") else { return }
        if let alternates = fields["alternates"] {
            if case .mapping(let mapping) = alternates {
                for (key, value) in mapping {
                    guard let team = mention(key, context: "availability.alternates", reaches: false) else { continue }
                    var list: [String] = []
                    for (_, item) in reader.texts(value, "the alternates of '\(team)'") {
                        guard let alternate = mention(item, context: "the alternates of '\(team)'") else { continue }
                        if alternate == team {
                            reader.report(.invalidValue, "team '\(team)' cannot be its own alternate", at: item)
                        } else {
                            list.append(alternate)
                        }
                    }
                    draft.rules.availability.alternates[team] = list
                }
            } else {
                reader.report(
                    .invalidValue,
                    "availability.alternates must map a team to a list of teams, as in Billing: [General Support]",
                    at: alternates)
            }
        }
        if let otherwise = fields["otherwise"] {
            draft.otherwiseLine = NodeReader.line(otherwise)
            draft.rules.availability.otherwise = policy(otherwise, "availability.otherwise", allowAsk: true)
        }
    }
}
