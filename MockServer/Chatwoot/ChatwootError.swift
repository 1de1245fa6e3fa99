import Foundation
import HTTPTypes
import HandoffContract
import Hummingbird

/// An error of the Chatwoot face, with the body Chatwoot's Rails code produces (not the swagger's).
public struct ChatwootError: Error, Sendable, HTTPResponseError {
    /// HTTP status.
    public var status: HTTPResponse.Status
    /// The JSON body.
    public var body: [String: JSONValue]

    init(_ status: HTTPResponse.Status, _ body: [String: JSONValue]) {
        self.status = status
        self.body = body
    }

    static let notFound = ChatwootError(.notFound, ["error": "Resource could not be found"])
    static let signIn = ChatwootError(.unauthorized, ["errors": .array(["You need to sign in or sign up before continuing."])])
    static let invalidToken = ChatwootError(.unauthorized, ["error": "Invalid Access Token"])
    static let botNotAllowed = ChatwootError(.unauthorized, ["error": "Access to this endpoint is not authorized for bots"])
    static let notInAccount = ChatwootError(.unauthorized, ["error": "You are not authorized to access this account"])
    static let botNotInAccount = ChatwootError(.unauthorized, ["error": "Bot is not authorized to access this account"])
    static let forbidden = ChatwootError(.unauthorized, ["error": "You are not authorized to do this action"])

    /// 422 `{"error": …}`.
    static func unprocessable(_ message: String) -> ChatwootError { ChatwootError(.unprocessableContent, ["error": .string(message)]) }

    /// 422 for a model validation failure: `{"message": …, "attributes": [...]}`.
    static func invalid(_ message: String, attributes: [String]) -> ChatwootError {
        ChatwootError(.unprocessableContent, ["message": .string(message), "attributes": .array(attributes.map { .string($0) })])
    }

    /// 422 for a missing parameter, as ActionController words it.
    static func missing(_ key: String) -> ChatwootError { unprocessable("param is missing or the value is empty: \(key)") }

    /// Renders the body.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = (try? Rows.encoder.encode(body)) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Who calls the Chatwoot face: a user (administrator or agent) or an agent bot.
enum ChatwootPrincipal: Sendable, Hashable {
    case user(id: Int64, role: String)
    case bot(id: Int64)

    var isBot: Bool { if case .bot = self { true } else { false } }

    /// The caller as the request journal names it: `bot`, `agent` or `administrator`.
    var journalName: String {
        switch self {
        case .bot: "bot"
        case .user(_, let role): role
        }
    }
}
