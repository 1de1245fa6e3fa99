import Foundation
import HandoffContract

/// One `KEY=VALUE` assignment of an attribute or slot, as given on a command line.
///
/// The value is JSON when it parses as JSON (`true`, `3`, `"x"`, `[1, 2]`, `null`) and a plain
/// string otherwise (`gold`, `hello world`): `vip=true` is the boolean, `vip="true"` the string.
public struct KeyValue: Sendable, Hashable {
    /// The attribute or slot name.
    public var key: String
    /// Its value.
    public var value: JSONValue

    /// Creates an assignment.
    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }

    /// Parses `KEY=VALUE`; the first `=` separates them.
    ///
    /// - Throws: ``KeyValueError`` when there is no `=` or the key is empty.
    public init(parsing text: String) throws(KeyValueError) {
        guard let equals = text.firstIndex(of: "=") else { throw .missingEquals(text) }
        let key = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { throw .emptyKey(text) }
        let raw = String(text[text.index(after: equals)...])
        self.key = key
        self.value = (try? JSONDecoder().decode(JSONValue.self, from: Data(raw.utf8))) ?? .string(raw)
    }

    /// Assignments as a dictionary; a later assignment of the same key wins.
    public static func dictionary(_ assignments: [KeyValue]) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for assignment in assignments { result[assignment.key] = assignment.value }
        return result
    }
}

/// Why a text is not a `KEY=VALUE` assignment.
public enum KeyValueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No `=` in the text.
    case missingEquals(String)
    /// Nothing before the `=`.
    case emptyKey(String)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .missingEquals(let text): "'\(text)' is not KEY=VALUE"
        case .emptyKey(let text): "'\(text)' has no key before '='"
        }
    }
}
