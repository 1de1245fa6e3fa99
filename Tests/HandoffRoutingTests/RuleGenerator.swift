import HandoffContract
import HandoffRouting

/// Draws random rule sets, intent stacks, attributes and slots from a seeded generator.
///
/// Patterns are unique across all teams (the loader refuses duplicates), built from a small
/// alphabet with near-miss segments (`Pay`, `PayLater`; `a`, `ab`) so that segment boundaries,
/// nesting and most-recent-intent ordering are exercised often.
struct RuleGenerator {
    var random: SplitMix64

    static let alphabet = ["a", "b", "ab", "Pay", "PayLater"]
    static let keys = ["vip", "plan"]
    static let values: [JSONValue] = [.bool(true), .bool(false), .string("gold"), .number(1)]

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    mutating func segments(_ count: ClosedRange<Int>) -> [String] {
        (0..<int(count)).map { _ in pick(Self.alphabet) }
    }

    mutating func pattern() -> IntentPattern {
        let text = segments(1...3).joined(separator: ".") + (chance(50) ? ".*" : "")
        return try! IntentPattern(parsing: text)
    }

    mutating func intent() -> String {
        var text = segments(1...4).joined(separator: ".")
        if chance(5) { text += "." }
        if chance(5) { text = text.replacingOccurrences(of: ".", with: "..") }
        return text
    }

    mutating func intents() -> [String] { (0..<int(0...4)).map { _ in intent() } }

    mutating func values() -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for key in Self.keys where chance(60) { result[key] = chance(10) ? .null : pick(Self.values) }
        return result
    }

    mutating func condition() -> Condition {
        let test: Condition.Test
        switch int(0...3) {
        case 0: test = .equals(pick(Self.values))
        case 1: test = .notEquals(pick(Self.values))
        case 2: test = .exists(chance(50))
        default: test = .oneOf((0..<int(1...3)).map { _ in pick(Self.values) })
        }
        return Condition(source: chance(50) ? .attribute : .slot, key: pick(Self.keys), test: test)
    }

    mutating func rules() -> RoutingRules {
        var used: Set<String> = []
        var teams: [RoutingTeam] = []
        for index in 0..<int(1...5) {
            var patterns: [IntentPattern] = []
            for _ in 0..<int(0...4) {
                let pattern = pattern()
                if used.insert(pattern.text).inserted { patterns.append(pattern) }
            }
            teams.append(RoutingTeam(name: "T\(index)", patterns: patterns))
        }
        let names = teams.map(\.name)
        let rules = (0..<int(0...2)).map { _ in
            DynamicRule(conditions: (0..<int(1...2)).map { _ in condition() }, team: pick(names))
        }
        let fallback: FallbackPolicy = pick([.ask, .bot, .team(pick(names))])
        let choices = names.filter { _ in chance(70) }.map { AskChoice(label: $0, team: $0) }
        return RoutingRules(teams: teams, rules: rules, fallback: fallback, ask: AskPolicy(choices: choices))
    }
}
