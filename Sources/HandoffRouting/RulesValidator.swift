/// The checks that need the whole file: references, duplicates, shadowing, empty teams and
/// ambiguous replies. Shape problems are reported earlier, by ``RulesParser``.
struct RulesValidator {
    let draft: RulesDraft
    private(set) var findings: [RulesFinding] = []

    init(_ draft: RulesDraft) {
        self.draft = draft
    }

    private var rules: RoutingRules { draft.rules }

    mutating func run() {
        duplicateTeams()
        unknownTeams()
        patterns()
        shadowedRules()
        emptyTeams()
        askWithoutChoices()
        ambiguousReplies()
    }

    private mutating func report(_ kind: RulesFinding.Kind, _ message: String, line: Int?, column: Int = 1) {
        findings.append(.init(kind: kind, line: line ?? draft.rootLine, column: column, message: message))
    }

    /// Team names are unique ignoring case, as support systems compare them.
    private mutating func duplicateTeams() {
        var first: [String: RoutingTeam] = [:]
        for team in rules.teams {
            let key = team.name.lowercased()
            if let earlier = first[key] {
                report(
                    .duplicateTeam,
                    "team '\(team.name)' is declared twice (first as '\(earlier.name)' at line \(earlier.line ?? 0)); "
                        + "names are compared ignoring case", line: team.line)
            } else {
                first[key] = team
            }
        }
    }

    /// Every team a rule, choice or policy names must be declared, exactly as spelled.
    private mutating func unknownTeams() {
        let names = rules.teams.map(\.name)
        for mention in draft.mentions where !names.contains(mention.name) {
            var message = "\(mention.context) names team '\(mention.name)', which no team declares"
            if let suggestion = TextMatching.suggestion(for: mention.name, among: names) {
                message += "; did you mean '\(suggestion)'?"
            }
            report(.unknownTeam, message, line: mention.line, column: mention.column)
        }
    }

    /// Duplicate, repeated and shadowed patterns.
    ///
    /// - The same pattern in two teams is a **duplicate** (error): the earlier team always wins it.
    /// - The same pattern twice in one team is **repeated** (warning).
    /// - A pattern is **shadowed** (warning) when the nearest more general wildcard — the one with
    ///   the most segments among those whose segments are a strict prefix of the pattern's — belongs
    ///   to the same team: removing the pattern would change no decision. Nothing else can make a
    ///   pattern lose everywhere: an exact pattern always beats wildcards, and a wildcard matches
    ///   infinitely many intents that no finite set of more specific patterns covers.
    private mutating func patterns() {
        struct Key: Hashable {
            var segments: [String]
            var isWildcard: Bool
        }
        var owner: [Key: (team: Int, line: Int?)] = [:]
        var firsts: [(team: Int, pattern: IntentPattern)] = []
        for (teamIndex, team) in rules.teams.enumerated() {
            for pattern in team.patterns {
                let key = Key(segments: pattern.segments, isWildcard: pattern.isWildcard)
                guard let first = owner[key] else {
                    owner[key] = (teamIndex, pattern.line)
                    firsts.append((teamIndex, pattern))
                    continue
                }
                let firstTeam = rules.teams[first.team].name
                if first.team == teamIndex {
                    report(
                        .repeatedPattern,
                        "'\(pattern)' is listed twice in team '\(team.name)' (first at line \(first.line ?? 0))",
                        line: pattern.line)
                } else {
                    report(
                        .duplicatePattern,
                        "'\(pattern)' already routes to team '\(firstTeam)' (line \(first.line ?? 0)); "
                            + "in team '\(team.name)' it can never decide — keep it in one team",
                        line: pattern.line)
                }
            }
        }
        for (teamIndex, pattern) in firsts {
            for length in stride(from: pattern.segments.count - 1, through: 1, by: -1) {
                let key = Key(segments: Array(pattern.segments.prefix(length)), isWildcard: true)
                guard let general = owner[key] else { continue }
                if general.team == teamIndex {
                    let wildcard = pattern.segments.prefix(length).joined(separator: ".") + ".*"
                    report(
                        .shadowedPattern,
                        "'\(pattern)' is shadowed by '\(wildcard)' (line \(general.line ?? 0)) of the same team "
                            + "'\(rules.teams[teamIndex].name)': it never changes a decision; remove it",
                        line: pattern.line)
                }
                break
            }
        }
    }

    /// A rule placed after one that applies whenever it would can never apply.
    private mutating func shadowedRules() {
        for (laterIndex, later) in rules.rules.enumerated() {
            for (index, earlier) in rules.rules.prefix(laterIndex).enumerated() where earlier.appliesWhenever(later) {
                report(
                    .shadowedRule,
                    "\(later.title(index: laterIndex)) can never apply: \(earlier.title(index: index)) comes first "
                        + "and applies whenever it would; move it above or remove it", line: later.line)
                break
            }
        }
    }

    /// A team without patterns that nothing refers to can never be picked.
    private mutating func emptyTeams() {
        let reached = Set(draft.mentions.filter(\.reaches).map(\.name))
        for team in rules.teams
        where team.patterns.isEmpty && !reached.contains(team.name) && !draft.misspeltTeams.contains(team.name) {
            report(
                .emptyTeam,
                "team '\(team.name)' has no intents and no rule, choice or policy names it: it can never be picked",
                line: team.line)
        }
    }

    /// When the flow can ask, there must be something to pick.
    private mutating func askWithoutChoices() {
        // Choices that were given but are broken are reported where they are, not again here.
        guard draft.choiceEntries == 0, !draft.fallbackUnreadable else { return }
        if rules.fallback == .ask {
            let why = draft.fallbackLine == nil ? "no fallback is set, so it is 'ask'" : "fallback is 'ask'"
            report(
                .askWithoutChoices, "\(why), but ask.choices is empty: add choices, or set fallback: {team: NAME}",
                line: draft.fallbackLine)
        } else if rules.availability.otherwise == .ask {
            report(
                .askWithoutChoices,
                "availability.otherwise is 'ask', but ask.choices is empty: add choices, or set otherwise: {team: NAME}",
                line: draft.otherwiseLine)
        }
    }

    /// Each reply must pick one thing: one choice, or cancel.
    private mutating func ambiguousReplies() {
        for word in draft.cancelTerms where TextMatching.fold(word.text).isEmpty {
            report(.invalidValue, "cancel word '\(word.text)' has no letters or digits", line: word.line)
        }
        let cancels = Set(rules.ask.cancelWords.map(TextMatching.fold))
        let count = draft.choiceTerms.count
        var owner: [String: (choice: Int, line: Int)] = [:]
        for (choice, terms) in draft.choiceTerms.enumerated() {
            let label = terms.first?.text ?? ""
            for term in terms {
                let folded = TextMatching.fold(term.text)
                if folded.isEmpty {
                    report(
                        .invalidValue, "reply '\(term.text)' of choice '\(label)' has no letters or digits",
                        line: term.line, column: term.column)
                    continue
                }
                if let number = TextMatching.number(in: folded), (1...count).contains(number), number != choice + 1 {
                    report(
                        .ambiguousReply, "reply '\(term.text)' of choice '\(label)' reads as choice number \(number)",
                        line: term.line, column: term.column)
                }
                if cancels.contains(folded) {
                    report(
                        .ambiguousReply, "reply '\(term.text)' of choice '\(label)' is also a cancel word",
                        line: term.line, column: term.column)
                }
                if let first = owner[folded] {
                    if first.choice != choice {
                        let other = draft.choiceTerms[first.choice].first?.text ?? ""
                        report(
                            .ambiguousReply,
                            "reply '\(term.text)' picks both choice '\(other)' (line \(first.line)) and choice '\(label)'",
                            line: term.line, column: term.column)
                    }
                } else {
                    owner[folded] = (choice, term.line)
                }
            }
        }
    }
}
