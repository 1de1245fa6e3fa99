import Foundation
import GRDB
import HandoffContract
import Hummingbird

/// Contacts and contact inboxes of the Chatwoot face (user tokens only: bots get 401).
struct ChatwootContactsController {
    let store: SupportStore

    struct ContactInboxBody: Decodable {
        var inbox_id: RailsID?
        var source_id: String?
    }

    struct FilterItem: Decodable {
        var attribute_key: String
        var filter_operator: String
        var values: [JSONValue]?
        var query_operator: String?
    }

    struct FilterBody: Decodable {
        var payload: [FilterItem]
    }

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder, base: String) {
        routes.on(group, base: base, .post, "contacts", create)
        routes.on(group, base: base, .get, "contacts", list)
        routes.on(group, base: base, .get, "contacts/search", search)
        routes.on(group, base: base, .post, "contacts/filter", filter)
        routes.on(group, base: base, .get, "contacts/:id", show)
        routes.on(group, base: base, .patch, "contacts/:id", update)
        routes.on(group, base: base, .put, "contacts/:id", update)
        routes.on(group, base: base, .post, "contacts/:id/contact_inboxes", addInbox)
        routes.on(group, base: base, .get, "contacts/:id/conversations", conversations)
        routes.on(group, base: base, .post, "contact_inboxes/filter", findInbox)
    }

    @Sendable func create(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let input = try await JSONIO.decodeOptional(ContactInput.self, from: request, context: context, fallback: ContactInput())
        return try await ChatwootJSON.response(try store.createContact(try context.requireWorkspace(), input))
    }

    @Sendable func list(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let condition = "email IS NOT NULL OR phone IS NOT NULL OR identifier_set = 1"
        return try ChatwootJSON.response(
            try store.contactPage(
                try context.requireWorkspace(), condition: condition, arguments: [], page: ChatwootJSON.page(request),
                withInboxes: Self.includeContactInboxes(request)))
    }

    @Sendable func search(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        guard let q = request.uri.queryParameters.get("q").map({ String($0) }), !q.isEmpty else {
            throw ChatwootError.unprocessable("Specify search string with parameter q")
        }
        let like = "%\(q.replacingOccurrences(of: "%", with: "\\%"))%"
        let condition =
            "name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR phone LIKE ? ESCAPE '\\' OR (identifier_set = 1 AND external_id LIKE ? ESCAPE '\\')"
        return try ChatwootJSON.response(
            try store.contactPage(
                try context.requireWorkspace(), condition: condition, arguments: [like, like, like, like],
                page: ChatwootJSON.page(request), hasMore: true, withInboxes: Self.includeContactInboxes(request)))
    }

    /// Chatwoot's `include_contact_inboxes`: on when absent, else only when it is `true`.
    static func includeContactInboxes(_ request: Request) -> Bool {
        request.uri.queryParameters.get("include_contact_inboxes").map { $0 == "true" } ?? true
    }

    static let columns = ["name": "name", "email": "email", "phone_number": "phone", "identifier": "external_id"]

    @Sendable func filter(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let body = try await JSONIO.decode(FilterBody.self, from: request, context: context)
        var condition = ""
        var arguments: StatementArguments = []
        var joiner = ""
        for item in body.payload {
            guard let column = Self.columns[item.attribute_key] else {
                throw ChatwootError.unprocessable("Invalid attribute key - \(item.attribute_key)")
            }
            let value = item.values?.first?.stringValue ?? ""
            let guardIdentifier = column == "external_id" ? "identifier_set = 1 AND " : ""
            let clause: String
            switch item.filter_operator {
            case "equal_to":
                clause = "(\(guardIdentifier)\(column) = ? COLLATE NOCASE)"
                arguments += [value]
            case "not_equal_to":
                clause = "NOT (\(guardIdentifier)\(column) = ? COLLATE NOCASE)"
                arguments += [value]
            case "contains":
                clause = "(\(guardIdentifier)\(column) LIKE ?)"
                arguments += ["%\(value)%"]
            case "does_not_contain":
                clause = "NOT (\(guardIdentifier)\(column) LIKE ?)"
                arguments += ["%\(value)%"]
            case "starts_with":
                clause = "(\(guardIdentifier)\(column) LIKE ?)"
                arguments += ["\(value)%"]
            case "is_present": clause = "(\(guardIdentifier)\(column) IS NOT NULL)"
            case "is_not_present": clause = "NOT (\(guardIdentifier)\(column) IS NOT NULL)"
            default:
                throw ChatwootError.unprocessable(
                    "Invalid operator. The allowed operators for \(item.attribute_key) are [equal_to,not_equal_to,contains,does_not_contain,starts_with,is_present,is_not_present]."
                )
            }
            condition += joiner + clause
            joiner = item.query_operator?.lowercased() == "or" ? " OR " : " AND "
        }
        if condition.isEmpty { condition = "1" }
        return try ChatwootJSON.response(
            try store.contactPage(
                try context.requireWorkspace(), condition: condition, arguments: arguments, page: ChatwootJSON.page(request),
                withInboxes: Self.includeContactInboxes(request)))
    }

    @Sendable func show(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        return try ChatwootJSON.response(
            try store.showContact(
                try context.requireWorkspace(), id: try context.number(), withInboxes: Self.includeContactInboxes(request)))
    }

    @Sendable func update(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let input = try await JSONIO.decodeOptional(ContactInput.self, from: request, context: context, fallback: ContactInput())
        return try await ChatwootJSON.response(try store.updateContact(try context.requireWorkspace(), id: try context.number(), input))
    }

    @Sendable func addInbox(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let body = try await JSONIO.decodeOptional(ContactInboxBody.self, from: request, context: context, fallback: ContactInboxBody())
        guard let inbox = body.inbox_id?.value else { throw ChatwootError.missing("inbox_id") }
        return try await ChatwootJSON.response(
            try store.addContactInbox(
                try context.requireWorkspace(), contactId: try context.number(), inboxId: inbox, sourceId: body.source_id))
    }

    @Sendable func conversations(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        return try ChatwootJSON.response(try store.contactConversations(try context.requireWorkspace(), contactId: try context.number()))
    }

    @Sendable func findInbox(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let body = try await JSONIO.decodeOptional(ContactInboxBody.self, from: request, context: context, fallback: ContactInboxBody())
        guard let inbox = body.inbox_id?.value, let source = body.source_id else { throw ChatwootError(.notFound, [:]) }
        return try ChatwootJSON.response(try store.findContactInbox(try context.requireWorkspace(), inboxId: inbox, sourceId: source))
    }
}
