import HandoffContract

/// A rule on conversation attributes and slots that picks a team before any intent is looked at,
/// such as "VIP users go to the priority team".
///
/// A rule applies when all its conditions hold. Rules are tried in file order; the first that
/// applies decides.
public struct DynamicRule: Sendable, Hashable {
    /// A name for explanations; optional in the file.
    public var name: String?
    /// The conditions, all of which must hold. Never empty in a loaded file.
    public var conditions: [Condition]
    /// The team it picks (a ``RoutingTeam/name``).
    public var team: String
    /// The line of the rules file where the rule starts; nil for rules built in code.
    public var line: Int?

    /// Creates a rule.
    public init(name: String? = nil, conditions: [Condition], team: String, line: Int? = nil) {
        self.name = name
        self.conditions = conditions
        self.team = team
        self.line = line
    }

    /// Whether every condition holds for these values.
    public func applies(attributes: [String: JSONValue], slots: [String: JSONValue]) -> Bool {
        conditions.allSatisfy { $0.holds(attributes: attributes, slots: slots) }
    }

    /// `rule 2 'VIP customers' (line 31)`, given the rule's 0-based position in the file.
    public func title(index: Int) -> String {
        var title = "rule \(index + 1)"
        if let name { title += " '\(name)'" }
        if let line { title += " (line \(line))" }
        return title
    }
}

/// One test on one attribute or slot.
///
/// A value is **present** when the key exists and is not JSON `null`. `equals`, `notEquals` and
/// `in` hold only for present values: `notEquals: "en"` does not hold when there is no value at all
/// (write `exists: false` for that). Values compare as JSON: `3` equals `3.0`, `true` does not
/// equal `"true"`, strings compare exactly.
public struct Condition: Sendable, Hashable, CustomStringConvertible {
    /// Where the value is looked up.
    public enum Source: String, Sendable, Hashable {
        /// A conversation attribute (channel, VIP, locale…).
        case attribute
        /// A slot the bot filled.
        case slot
    }

    /// What is checked about the value.
    public enum Test: Sendable, Hashable {
        /// Present and equal to the value.
        case equals(JSONValue)
        /// Present and different from the value.
        case notEquals(JSONValue)
        /// Present (`true`) or absent (`false`).
        case exists(Bool)
        /// Present and equal to one of the values (`in:` in the file).
        case oneOf([JSONValue])
    }

    /// Attribute or slot.
    public var source: Source
    /// The top-level key of the attribute or slot.
    public var key: String
    /// The test.
    public var test: Test

    /// Creates a condition.
    public init(source: Source, key: String, test: Test) {
        self.source = source
        self.key = key
        self.test = test
    }

    /// Whether the condition holds.
    public func holds(attributes: [String: JSONValue], slots: [String: JSONValue]) -> Bool {
        let value = self.value(attributes: attributes, slots: slots)
        switch test {
        case .exists(let expected): return (value != nil) == expected
        case .equals(let expected): return value == expected
        case .notEquals(let other): return value.map { $0 != other } ?? false
        case .oneOf(let values): return value.map(values.contains) ?? false
        }
    }

    /// The present value the condition looks at, or nil.
    func value(attributes: [String: JSONValue], slots: [String: JSONValue]) -> JSONValue? {
        let value = source == .attribute ? attributes[key] : slots[key]
        return value == .null ? nil : value
    }

    /// `attribute 'vip' equals true`.
    public var description: String {
        let subject = "\(source.rawValue) '\(key)'"
        switch test {
        case .equals(let value): return "\(subject) equals \(value.rendered)"
        case .notEquals(let value): return "\(subject) is present and not \(value.rendered)"
        case .exists(true): return "\(subject) exists"
        case .exists(false): return "\(subject) is absent"
        case .oneOf(let values): return "\(subject) is one of \(JSONValue.array(values).rendered)"
        }
    }

    /// What the value actually was, for an explanation: `attribute 'vip' is false`.
    func observed(attributes: [String: JSONValue], slots: [String: JSONValue]) -> String {
        let subject = "\(source.rawValue) '\(key)'"
        guard let value = value(attributes: attributes, slots: slots) else { return "\(subject) is absent" }
        return "\(subject) is \(value.rendered)"
    }
}

extension JSONValue {
    /// Compact JSON for messages: `true`, `3`, `"gold"`, `["a", "b"]`.
    var rendered: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value):
            value.rounded() == value && abs(value) < 9.0e15 ? String(Int64(value)) : String(value)
        case .string(let value): "\"\(value)\""
        case .array(let values): "[" + values.map(\.rendered).joined(separator: ", ") + "]"
        case .object(let members):
            "{"
                + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value.rendered)" }.joined(
                    separator: ", ")
                + "}"
        }
    }
}
