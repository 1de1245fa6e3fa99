import HandoffContract
import HandoffRouting
import Testing

/// Properties of `Router.decide` over generated rule sets (unique patterns, as the loader
/// guarantees) and generated intent stacks, attributes and slots.
@Suite("Router.decide properties")
struct DeterminismTests {
    static let seeds: [UInt64] = [1, 7, 42, 2024, 0xDEAD_BEEF]
    static let casesPerSeed = 300

    @Test("decide is a pure function: same input, same decision, from any router over the same rules", arguments: seeds)
    func pure(seed: UInt64) {
        var generate = RuleGenerator(seed: seed)
        for _ in 0..<Self.casesPerSeed {
            let rules = generate.rules()
            let (intents, attributes, slots) = (generate.intents(), generate.values(), generate.values())
            let router = Router(rules: rules)
            let first = router.decide(unfinishedIntents: intents, attributes: attributes, slots: slots)
            #expect(router.decide(unfinishedIntents: intents, attributes: attributes, slots: slots) == first)
            #expect(
                Router(rules: rules).decide(unfinishedIntents: intents, attributes: attributes, slots: slots) == first)
        }
    }

    @Test("with unique patterns, the order of teams in the file changes nothing", arguments: seeds)
    func teamOrder(seed: UInt64) {
        var generate = RuleGenerator(seed: seed)
        for _ in 0..<Self.casesPerSeed {
            let rules = generate.rules()
            let (intents, attributes, slots) = (generate.intents(), generate.values(), generate.values())
            var shuffled = rules
            shuffled.teams.shuffle(using: &generate.random)
            let expected = Router(rules: rules).decide(unfinishedIntents: intents, attributes: attributes, slots: slots)
            let actual = Router(rules: shuffled).decide(
                unfinishedIntents: intents, attributes: attributes, slots: slots)
            #expect(actual == expected, "seed \(seed): \(intents)")
        }
    }

    @Test("decide agrees with a brute-force reference written from the precedence rules", arguments: seeds)
    func reference(seed: UInt64) {
        var generate = RuleGenerator(seed: seed)
        var seen: [String: Int] = [:]
        for _ in 0..<Self.casesPerSeed {
            let rules = generate.rules()
            let (intents, attributes, slots) = (generate.intents(), generate.values(), generate.values())
            let decision = Router(rules: rules).decide(unfinishedIntents: intents, attributes: attributes, slots: slots)
            #expect(
                outcomeName(decision) == Self.reference(rules, intents, attributes, slots),
                "seed \(seed): \(intents) \(attributes) \(slots)")
            seen[Self.kind(of: decision.reason), default: 0] += 1
        }
        // The generator must reach every branch, or the comparison proves little.
        for kind in ["rule", "exact", "long wildcard", "one-segment wildcard", "older intent", "fallback"] {
            #expect(seen[kind, default: 0] > 0, "seed \(seed) never produced \(kind): \(seen)")
        }
    }

    static func kind(of reason: Decision.Reason) -> String {
        switch reason {
        case .rule: "rule"
        case .intent(_, 0, let pattern, _) where !pattern.isWildcard: "exact"
        case .intent(_, 0, let pattern, _) where pattern.segments.count > 1: "long wildcard"
        case .intent(_, 0, _, _): "one-segment wildcard"
        case .intent: "older intent"
        default: "fallback"
        }
    }

    @Test("intents older than the deciding one, and unmatched newer ones, change nothing", arguments: seeds)
    func stack(seed: UInt64) {
        var generate = RuleGenerator(seed: seed)
        for _ in 0..<Self.casesPerSeed {
            let rules = generate.rules()
            let router = Router(rules: rules)
            let (intents, attributes, slots) = (generate.intents(), generate.values(), generate.values())
            let decision = router.decide(unfinishedIntents: intents, attributes: attributes, slots: slots)
            let unmatched = ["zz.top", "smalltalk"]
            let prefixed = router.decide(unfinishedIntents: unmatched + intents, attributes: attributes, slots: slots)
            #expect(prefixed.outcome == decision.outcome)
            if case .intent(_, let position, _, _) = decision.reason {
                let older = generate.intents()
                let extended = router.decide(
                    unfinishedIntents: Array(intents.prefix(position + 1)) + older, attributes: attributes, slots: slots
                )
                #expect(extended == decision, "seed \(seed): \(intents) + \(older)")
            }
        }
    }

    @Test("matching is whole segments: the same as a string test on the pattern followed by a dot", arguments: seeds)
    func segments(seed: UInt64) {
        var generate = RuleGenerator(seed: seed)
        for _ in 0..<(Self.casesPerSeed * 10) {
            let pattern = generate.pattern()
            let intent = generate.intent()
            #expect(pattern.matches(intent) == Self.matches(pattern.text, intent), "'\(pattern)' vs '\(intent)'")
        }
    }

    // MARK: The reference

    /// Plain string matching: valid intents only (no empty segment); a wildcard `p.*` matches what
    /// starts with `p.`; an exact pattern matches itself.
    static func matches(_ pattern: String, _ intent: String) -> Bool {
        let valid = !intent.isEmpty && !intent.hasPrefix(".") && !intent.hasSuffix(".") && !intent.contains("..")
        guard valid else { return false }
        if pattern.hasSuffix(".*") { return intent.hasPrefix(String(pattern.dropLast())) }
        return intent == pattern
    }

    static func reference(
        _ rules: RoutingRules, _ intents: [String], _ attributes: [String: JSONValue], _ slots: [String: JSONValue]
    ) -> String {
        func holds(_ condition: Condition) -> Bool {
            let raw = condition.source == .attribute ? attributes[condition.key] : slots[condition.key]
            let value = raw == .null ? nil : raw
            switch condition.test {
            case .equals(let expected): return value == expected
            case .notEquals(let other): return value != nil && value != other
            case .exists(let expected): return (value != nil) == expected
            case .oneOf(let values): return value.map { values.contains($0) } ?? false
            }
        }
        if let rule = rules.rules.first(where: { $0.conditions.allSatisfy(holds) }) { return rule.team }
        for intent in intents {
            var best: (team: String, rank: Int)?
            for team in rules.teams {
                for pattern in team.patterns where matches(pattern.text, intent) {
                    let rank = (pattern.isWildcard ? 0 : 1000) + pattern.segments.count
                    if rank > best?.rank ?? -1 { best = (team.name, rank) }
                }
            }
            if let best { return best.team }
        }
        switch rules.fallback {
        case .team(let name): return name
        case .bot: return "bot"
        case .ask: return rules.ask.choices.isEmpty ? "bot" : "ask"
        }
    }
}
