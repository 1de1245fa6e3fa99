import Foundation
import GRDB
import HandoffContract

/// Mapping between database rows and contract values, in one place.
enum Rows {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func json<T: Encodable>(_ value: T) -> String {
        (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
    }

    /// A JSON value as stored text, written directly (the hot path: attributes, Chatwoot payloads).
    static func json(_ value: JSONValue) -> String { JSONValueWriter.text(value) }

    /// An object as stored text, written directly.
    static func json(_ value: [String: JSONValue]) -> String { JSONValueWriter.text(.object(value)) }

    /// A stored JSON object, read by the strict parser (an empty object for anything else).
    static func object(_ text: String?) -> [String: JSONValue] {
        guard let text, case .object(let members)? = JSONValueParser.parse(Array(text.utf8)) else { return [:] }
        return members
    }

    /// A stored JSON value, read by the strict parser.
    static func value(_ text: String?, default fallback: JSONValue) -> JSONValue {
        text.flatMap { JSONValueParser.parse(Array($0.utf8)) } ?? fallback
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?, default fallback: T) -> T {
        guard let text, let value = try? decoder.decode(T.self, from: Data(text.utf8)) else { return fallback }
        return value
    }

    /// A text column read through its bytes, so a NUL inside the text survives (a C string would stop there).
    static func text(_ row: Row, _ column: String) -> String {
        let data: Data? = row[column]
        return data.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// An optional text column, NUL-safe.
    static func optionalText(_ row: Row, _ column: String) -> String? {
        let data: Data? = row[column]
        return data.map { String(decoding: $0, as: UTF8.self) }
    }

    static func date(_ row: Row, _ column: String) -> Date {
        Date(timeIntervalSince1970: row[column])
    }

    static func user(_ row: Row) -> User {
        User(
            id: EntityKind.user.id(row["id"]), externalId: text(row, "external_id"), name: optionalText(row, "name"),
            email: optionalText(row, "email"), phone: optionalText(row, "phone"),
            attributes: Rows.object(row["attributes"]),
            createdAt: date(row, "created_at"))
    }

    static func team(_ row: Row) -> Team {
        let online: Bool = row["online"]
        let agentCount: Int = row["agent_count"] ?? 0
        return Team(
            id: EntityKind.team.id(row["id"]), name: text(row, "name"), description: optionalText(row, "description"),
            availability: .of(online: online, agentCount: agentCount))
    }

    static func agent(_ row: Row) -> Agent {
        Agent(
            id: EntityKind.agent.id(row["id"]), name: text(row, "name"), email: optionalText(row, "email"),
            teamId: (row["team_id"] as Int64?).map(EntityKind.team.id))
    }

    static func conversation(_ row: Row) -> Conversation {
        let teamId: Int64? = row["team_id"]
        let assigneeId: Int64? = row["assignee_id"]
        // One set of attributes on every face: the neutral context is kept in Chatwoot's custom attributes, laid out
        // as the Chatwoot binding lays it out.
        let context = ChatwootMapping.context(from: Rows.object(row["custom_attributes"]))
        return Conversation(
            id: EntityKind.conversation.id(row["id"]), number: row["number"],
            userId: EntityKind.user.id(row["user_id"]),
            state: ConversationState(rawValue: row["state"]) ?? .bot,
            teamId: teamId.map(EntityKind.team.id), assigneeId: assigneeId.map(EntityKind.agent.id),
            context: context, createdAt: date(row, "created_at"), updatedAt: date(row, "updated_at"))
    }

    static func message(_ row: Row) -> Message {
        let agentId: Int64? = row["agent_id"]
        let choices: String? = row["choices"]
        return Message(
            id: EntityKind.message.id(row["id"]),
            conversationId: EntityKind.conversation.id(row["conversation_id"]), seq: row["seq"],
            author: MessageAuthor(rawValue: row["author"]) ?? .system,
            visibility: Visibility(rawValue: row["visibility"]) ?? .public, text: text(row, "text"),
            choices: choices.map { decode([Choice].self, $0, default: []) }, agentId: agentId.map(EntityKind.agent.id),
            clientMessageId: optionalText(row, "client_message_id"), createdAt: date(row, "created_at"))
    }
}
