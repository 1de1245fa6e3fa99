import Foundation
import HandoffContract
import Yams

/// Reads composed YAML nodes into values, keeping every node's line and collecting findings
/// instead of stopping at the first problem.
struct NodeReader {
    /// A mapping's entries by key, with the mapping's own node for "missing key" findings.
    struct Fields {
        /// The mapping node.
        let node: Node
        /// Key node and value node for each known key.
        let entries: [String: (key: Node, value: Node)]
        /// True when the mapping had keys that were reported as unknown.
        let hadUnknownKeys: Bool

        /// The value for `key`, if present.
        subscript(_ key: String) -> Node? { entries[key]?.value }
    }

    /// Everything reported so far.
    private(set) var findings: [RulesFinding] = []

    /// The 1-based line of a node (composed nodes always have one).
    static func line(_ node: Node) -> Int { node.mark?.line ?? 1 }

    /// The 1-based column of a node.
    static func column(_ node: Node) -> Int { node.mark?.column ?? 1 }

    /// Records a finding at a node.
    mutating func report(_ kind: RulesFinding.Kind, _ message: String, at node: Node) {
        findings.append(.init(kind: kind, line: Self.line(node), column: Self.column(node), message: message))
    }

    /// Records a finding at a line.
    mutating func report(_ kind: RulesFinding.Kind, _ message: String, line: Int, column: Int = 1) {
        findings.append(.init(kind: kind, line: line, column: column, message: message))
    }

    /// The entries of a mapping whose keys are all in `allowed`; every other key is reported as
    /// unknown, with a suggestion when it looks like a typo. Nil (reported) when `node` is no mapping.
    mutating func fields(_ node: Node, allowed: [String], in context: String) -> Fields? {
        guard case .mapping(let mapping) = node else {
            report(.invalidValue, "\(context) must be a mapping (key: value lines)", at: node)
            return nil
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        var unknown = false
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                report(.invalidValue, "\(context): keys must be plain words", at: key)
                continue
            }
            let name = scalar.string
            if allowed.contains(name) {
                entries[name] = (key, value)
            } else {
                var message = "unknown key '\(name)' in \(context)"
                if let suggestion = TextMatching.suggestion(for: name, among: allowed) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; expected one of: \(allowed.joined(separator: ", "))"
                }
                report(.unknownKey, message, at: key)
                unknown = true
            }
        }
        return Fields(node: node, entries: entries, hadUnknownKeys: unknown)
    }

    /// The value of a required key; reports it missing at the mapping's line.
    mutating func require(_ key: String, in fields: Fields, context: String) -> Node? {
        if let value = fields[key] { return value }
        report(.missingKey, "\(context) needs '\(key)'", at: fields.node)
        return nil
    }

    /// A non-empty text scalar. Numbers and booleans count as their text.
    mutating func text(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node, node.tagName != .null else {
            report(.invalidValue, "\(what) must be text", at: node)
            return nil
        }
        guard !scalar.string.trimmingCharacters(in: .whitespaces).isEmpty else {
            report(.invalidValue, "\(what) cannot be empty", at: node)
            return nil
        }
        return scalar.string
    }

    /// The items of a list; an empty value (`key:` with nothing after it) is an empty list.
    mutating func list(_ node: Node, _ what: String) -> [Node]? {
        if case .sequence(let sequence) = node { return Array(sequence) }
        if node.tagName == .null { return [] }
        report(.invalidValue, "\(what) must be a list, as in [a, b] or lines starting with '- '", at: node)
        return nil
    }

    /// A list of non-empty texts, each with its node.
    mutating func texts(_ node: Node, _ what: String) -> [(text: String, node: Node)] {
        (list(node, what) ?? []).compactMap { item in text(item, "each of \(what)").map { ($0, item) } }
    }

    /// A whole number of at least `minimum`.
    mutating func integer(_ node: Node, _ what: String, minimum: Int) -> Int? {
        guard node.tagName == .int, let value = node.int else {
            report(.invalidValue, "\(what) must be a whole number", at: node)
            return nil
        }
        guard value >= minimum else {
            report(.invalidValue, "\(what) must be at least \(minimum)", at: node)
            return nil
        }
        return value
    }

    /// `true` or `false`.
    mutating func boolean(_ node: Node, _ what: String) -> Bool? {
        guard node.tagName == .bool, let value = node.bool else {
            report(.invalidValue, "\(what) must be true or false", at: node)
            return nil
        }
        return value
    }

    /// A JSON value: scalars by their YAML type (`true`, `3`, `2.5`, `~`, text), lists and mappings recursively.
    func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch node.tagName {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int: return (node.int.map(Double.init) ?? node.float).map(JSONValue.number) ?? .string(scalar.string)
            case .float: return node.float.map(JSONValue.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence): return .array(sequence.map(json))
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping { members[key.string ?? ""] = json(value) }
            return .object(members)
        case .alias: return .null
        }
    }
}

extension Node {
    /// The resolved tag's name (`tag:yaml.org,2002:int`…), to tell `3`, `"3"`, `true` and `~` apart.
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
