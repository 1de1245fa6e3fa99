import Foundation
import GRDB
import HandoffContract

/// One condition of a Chatwoot filter body: `{"attribute_key", "filter_operator", "values", "query_operator"}`.
/// `values` is normally an array; a single string or number is read as a one-element array.
struct ChatwootFilterCondition: Decodable, Sendable {
    var attribute_key: String
    var filter_operator: String
    var values: JSONValue?
    var query_operator: String?

    /// The values as text: strings as they are, whole numbers without a fraction, booleans as `true`/`false`.
    var texts: [String] {
        switch values {
        case .array(let items)?: items.compactMap(Self.text)
        case let value?: [value].compactMap(Self.text)
        case nil: []
        }
    }

    /// Whether Rails would call the values blank (missing, null, empty array or empty string).
    var valuesBlank: Bool {
        switch values {
        case nil, .null?: true
        case .array(let items)?: items.isEmpty
        case .string(let text)?: text.trimmingCharacters(in: .whitespaces).isEmpty
        default: false
        }
    }

    /// Whether the first value is a string (Chatwoot then compares a text custom attribute with that one value).
    var firstIsString: Bool {
        if case .array(let items)? = values { return items.first?.stringValue != nil }
        return values?.stringValue != nil
    }

    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number(let number): number.rounded() == number && abs(number) < 9e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }
}

/// Chatwoot's filter body, `{"payload": [condition, …]}`.
struct ChatwootFilterBody: Decodable, Sendable {
    var payload: [ChatwootFilterCondition]
}

/// A SQL condition with its arguments.
struct SQLCondition {
    var sql: String
    var arguments: StatementArguments = []
}

/// Chatwoot's conversation filter (`POST conversations/filter`) as a SQL condition on the `conversations` table.
///
/// The keys and their operators are those of Chatwoot's `lib/filters/filter_keys.yml`, plus `contact_id`, which
/// Chatwoot's list lacks (it would answer 422 unless an attribute of that name is defined) and the mock takes, since
/// connectors use it to find a contact's open conversation. Any other key is a custom attribute when some conversation
/// of the account has it (the mock has no attribute definitions), else 422. Conditions are joined by the previous
/// condition's `query_operator` into one SQL expression, as Chatwoot does, so AND binds tighter than OR.
enum ChatwootConversationFilter {
    /// How a key reads its column.
    enum Kind {
        case status
        case integer(String)
        case displayId
        case text(String)
        case labels
        case additional
        case date(String)
        case none
    }

    static let idOperators = ["equal_to", "not_equal_to", "is_present", "is_not_present"]
    static let equality = ["equal_to", "not_equal_to"]
    static let textOperators = ["equal_to", "not_equal_to", "contains", "does_not_contain"]
    static let dateOperators = ["is_greater_than", "is_less_than", "days_before"]
    static let customOperators = idOperators + ["contains", "does_not_contain"] + dateOperators

    /// The standard keys in Chatwoot's order (its 422 lists them so), with the operators each allows.
    static let keys: [(key: String, kind: Kind, operators: [String])] = [
        ("status", .status, equality),
        ("assignee_id", .integer("assignee_id"), idOperators),
        ("inbox_id", .integer("inbox_id"), idOperators),
        ("team_id", .integer("team_id"), idOperators),
        ("priority", .text("priority"), equality),
        ("display_id", .displayId, textOperators),
        ("campaign_id", .none, idOperators),
        ("labels", .labels, idOperators),
        ("browser_language", .additional, equality),
        ("conversation_language", .additional, equality),
        ("country_code", .additional, equality),
        ("referer", .additional, textOperators),
        ("created_at", .date("created_at"), dateOperators),
        ("last_activity_at", .date("updated_at"), dateOperators),
        ("mail_subject", .additional, textOperators),
        ("contact_id", .integer("user_id"), idOperators),
    ]

    /// The conditions as one SQL expression; `isCustomKey` says whether an unknown key is a custom attribute.
    static func condition(_ conditions: [ChatwootFilterCondition], isCustomKey: (String) throws -> Bool) throws -> SQLCondition {
        for item in conditions {
            if let joiner = item.query_operator, !joiner.isEmpty, !["AND", "OR"].contains(joiner.uppercased()) {
                throw ChatwootError.unprocessable(#"Query operator must be either "AND" or "OR"."#)
            }
        }
        var result = SQLCondition(sql: "")
        var joiner = ""
        for item in conditions {
            let part = try clause(item, isCustomKey: isCustomKey)
            result.sql += "\(joiner)(\(part.sql))"
            result.arguments += part.arguments
            joiner = item.query_operator?.uppercased() == "OR" ? " OR " : " AND "
        }
        if result.sql.isEmpty { result.sql = "1" }
        return result
    }

    static func clause(_ item: ChatwootFilterCondition, isCustomKey: (String) throws -> Bool) throws -> SQLCondition {
        let key = item.attribute_key
        let standard = keys.first { $0.key == key }
        if let standard, !standard.operators.contains(item.filter_operator) {
            throw invalidOperator(key, standard.operators)
        }
        if !["is_present", "is_not_present"].contains(item.filter_operator) && item.valuesBlank {
            throw ChatwootError.unprocessable("Invalid value. The values provided for \(key) are invalid")
        }
        guard let standard else {
            guard try isCustomKey(key) else {
                let allowed = keys.map(\.key).joined(separator: ",")
                throw ChatwootError.unprocessable(
                    "Invalid attribute key - [\(key)]. The key should be one of [\(allowed)] or a custom attribute defined in the account.")
            }
            guard customOperators.contains(item.filter_operator) else { throw invalidOperator(key, customOperators) }
            return try custom(item)
        }
        switch standard.kind {
        case .status: return status(item)
        case .integer(let column): return try compare(column, item, values: try integers(item))
        case .displayId:
            let contains = ["contains", "does_not_contain"].contains(item.filter_operator)
            return try compare(
                "number", item, values: contains ? item.texts : try integers(item), likeOn: "CAST(number AS TEXT)")
        case .text(let column): return try compare(column, item, values: item.texts)
        case .labels: return labels(item)
        case .additional:
            return try compare("json_extract(additional_attributes, ?)", item, values: item.texts, bound: [path(key)])
        case .date(let column): return try date("\(column), 'unixepoch'", item)
        case .none: return try compare("NULL", item, values: [])
        }
    }

    static func invalidOperator(_ key: String, _ allowed: [String]) -> ChatwootError {
        ChatwootError.unprocessable("Invalid operator. The allowed operators for \(key) are [\(allowed.joined(separator: ","))].")
    }

    /// A JSON path naming one top-level key.
    static func path(_ key: String) -> String {
        "$.\"\(key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
    }

    static func integers(_ item: ChatwootFilterCondition) throws -> [any DatabaseValueConvertible] {
        try item.texts.map { text in
            guard let number = Int64(text.trimmingCharacters(in: .whitespaces)) else {
                throw ChatwootError.unprocessable("Invalid value. The values provided for \(item.attribute_key) are invalid")
            }
            return number
        }
    }

    /// `IN`/`NOT IN`, presence, and `LIKE` any / none of the values (SQL's NULL rules apply, as in Chatwoot's SQL).
    /// `bound` are the arguments of `expression` itself, given again at each use.
    static func compare(
        _ expression: String, _ item: ChatwootFilterCondition, values: [any DatabaseValueConvertible],
        bound: StatementArguments = [], likeOn: String? = nil
    ) throws -> SQLCondition {
        let marks = Array(repeating: "?", count: max(values.count, 1)).joined(separator: ", ")
        let list = bound + StatementArguments(values.isEmpty ? [DatabaseValue.null] : values)
        switch item.filter_operator {
        case "equal_to": return SQLCondition(sql: "\(expression) IN (\(marks))", arguments: list)
        case "not_equal_to": return SQLCondition(sql: "\(expression) NOT IN (\(marks))", arguments: list)
        case "is_present": return SQLCondition(sql: "\(expression) IS NOT NULL", arguments: bound)
        case "is_not_present": return SQLCondition(sql: "\(expression) IS NULL", arguments: bound)
        case "contains", "does_not_contain":
            var arguments: StatementArguments = []
            let any = values.map { value -> String in
                let text = String(describing: value).trimmingCharacters(in: .whitespaces)
                arguments += (likeOn == nil ? bound : []) + ["%\(text)%"]
                return "\(likeOn ?? expression) LIKE ?"
            }.joined(separator: " OR ")
            return SQLCondition(sql: item.filter_operator == "contains" ? "(\(any))" : "NOT (\(any))", arguments: arguments)
        default: throw invalidOperator(item.attribute_key, customOperators)
        }
    }

    /// Chatwoot's statuses as the mock's states; `all` is every status, an unknown name none.
    static func status(_ item: ChatwootFilterCondition) -> SQLCondition {
        var states: [String] = []
        var unknown = false
        for name in item.texts {
            if name == "all" {
                states += ConversationState.allCases.map(\.rawValue)
            } else if let status = ChatwootStatus(rawValue: name) {
                states += ConversationState.allCases.filter { ChatwootStatus($0) == status }.map(\.rawValue)
            } else {
                unknown = true
            }
        }
        let marks = states.map { _ in "?" }.joined(separator: ", ")
        if item.filter_operator == "equal_to" {
            return states.isEmpty ? SQLCondition(sql: "0") : SQLCondition(sql: "state IN (\(marks))", arguments: StatementArguments(states))
        }
        // Rails turns an unknown name into NULL, and `NOT IN (…, NULL)` matches nothing.
        if unknown { return SQLCondition(sql: "0") }
        return states.isEmpty ? SQLCondition(sql: "1") : SQLCondition(sql: "state NOT IN (\(marks))", arguments: StatementArguments(states))
    }

    static func labels(_ item: ChatwootFilterCondition) -> SQLCondition {
        let texts = item.texts
        let marks = Array(repeating: "?", count: max(texts.count, 1)).joined(separator: ", ")
        let any = "EXISTS (SELECT 1 FROM json_each(conversations.labels) WHERE json_each.value IN (\(marks)))"
        switch item.filter_operator {
        case "equal_to": return SQLCondition(sql: any, arguments: StatementArguments(texts))
        case "not_equal_to": return SQLCondition(sql: "NOT \(any)", arguments: StatementArguments(texts))
        case "is_present": return SQLCondition(sql: "json_array_length(conversations.labels) > 0")
        default: return SQLCondition(sql: "json_array_length(conversations.labels) = 0")
        }
    }

    /// Dates compare by day, as Chatwoot casts both sides to `date`; `days_before N` is before today minus N days.
    static func date(
        _ dateArguments: String, _ item: ChatwootFilterCondition, prefix: StatementArguments = []
    ) throws
        -> SQLCondition
    {
        let value = item.texts.first ?? ""
        switch item.filter_operator {
        case "is_greater_than", "is_less_than":
            let sign = item.filter_operator == "is_greater_than" ? ">" : "<"
            return SQLCondition(sql: "date(\(dateArguments)) \(sign) date(?)", arguments: prefix + [value])
        default:
            guard let days = Int(value.trimmingCharacters(in: .whitespaces)) else {
                throw ChatwootError.unprocessable("Invalid value. The values provided for \(item.attribute_key) are invalid")
            }
            return SQLCondition(sql: "date(\(dateArguments)) < date('now', ?)", arguments: prefix + ["-\(days) days"])
        }
    }

    /// A custom attribute, compared as lower-case text (Chatwoot lower-cases text attributes; the mock has no types).
    static func custom(_ item: ChatwootFilterCondition) throws -> SQLCondition {
        let key = path(item.attribute_key)
        let raw = "json_extract(custom_attributes, ?)"
        let text = """
            LOWER(CASE json_type(custom_attributes, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' \
            ELSE CAST(json_extract(custom_attributes, ?) AS TEXT) END)
            """
        let values = (item.firstIsString ? Array(item.texts.prefix(1)) : item.texts).map { $0.lowercased() }
        switch item.filter_operator {
        case "not_equal_to":
            // Chatwoot adds `OR … IS NULL`: a conversation without the attribute is not equal to anything.
            let notIn = try compare(text, item, values: values, bound: [key, key])
            return SQLCondition(sql: "(\(notIn.sql) OR \(raw) IS NULL)", arguments: notIn.arguments + [key])
        case "is_greater_than", "is_less_than":
            let sign = item.filter_operator == "is_greater_than" ? ">" : "<"
            if let number = Double(item.texts.first ?? "") {
                return SQLCondition(sql: "CAST(\(raw) AS REAL) \(sign) ?", arguments: [key, number])
            }
            return SQLCondition(sql: "\(raw) \(sign) ?", arguments: [key, item.texts.first ?? ""])
        case "days_before":
            return try date(raw, item, prefix: [key])
        default:
            return try compare(text, item, values: values, bound: [key, key])
        }
    }
}
