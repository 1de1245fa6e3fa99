import Foundation
import GRDB
import HandoffContract

/// Fields of a contact as Chatwoot's API takes them.
struct ContactInput: Decodable, Sendable {
    var name: String?
    var email: String?
    var phone_number: String?
    var identifier: String?
    var additional_attributes: [String: JSONValue]?
    var custom_attributes: [String: JSONValue]?
    var inbox_id: RailsID?
    var source_id: String?
}

extension SupportStore {
    /// The contact inbox of a user in an inbox, created with a random UUID `source_id` when missing; a `source_id`
    /// another contact has is Chatwoot's 422.
    func contactInbox(_ db: Database, userId: Int64, inboxId: Int64, sourceId: String?) throws -> Int64 {
        guard let sourceId else { return try ContactInboxRecord.ensure(db, userId: userId, inboxId: inboxId, at: now()) }
        if let found = try ContactInboxRecord.find(db, inboxId: inboxId, sourceId: sourceId) {
            guard found.userId == userId else { throw ChatwootError.unprocessable("source_id should be unique") }
            return found.id
        }
        return try ContactInboxRecord.insert(db, userId: userId, inboxId: inboxId, sourceId: sourceId, at: now())
    }

    func requireInbox(_ db: Database, _ workspace: Workspace, _ id: Int64) throws -> Row {
        guard
            let row = try Row.fetchOne(db.cached("SELECT * FROM inboxes WHERE id = ? AND workspace_id = ?"), arguments: [id, workspace.id])
        else { throw ChatwootError.notFound }
        return row
    }

    func requireContact(_ db: Database, _ workspace: Workspace, _ id: Int64) throws -> Row {
        guard let row = try Row.fetchOne(db.cached("SELECT * FROM users WHERE id = ? AND workspace_id = ?"), arguments: [id, workspace.id])
        else { throw ChatwootError.notFound }
        return row
    }

    /// Chatwoot's contact validations: unique email (case-insensitive), phone in E.164, unique identifier.
    private func validate(_ db: Database, _ workspace: Workspace, _ input: ContactInput, except id: Int64?) throws {
        if let email = input.email, !email.isEmpty {
            guard email.contains("@"), !email.hasPrefix("@"), !email.hasSuffix("@") else {
                throw ChatwootError.invalid("Email is invalid", attributes: ["email"])
            }
            if try Row.fetchOne(
                db.cached("SELECT 1 FROM users WHERE workspace_id = ? AND email = ? COLLATE NOCASE AND id != ?"),
                arguments: [workspace.id, email, id ?? 0]) != nil
            {
                throw ChatwootError.invalid("Email has already been taken", attributes: ["email"])
            }
        }
        if let phone = input.phone_number, !phone.isEmpty {
            guard phone.wholeMatch(of: /\+[1-9]\d{1,14}/) != nil else {
                throw ChatwootError.invalid("Phone number should be in e164 format", attributes: ["phone_number"])
            }
            if try Row.fetchOne(
                db.cached("SELECT 1 FROM users WHERE workspace_id = ? AND phone = ? AND id != ?"),
                arguments: [workspace.id, phone, id ?? 0])
                != nil
            {
                throw ChatwootError.invalid("Phone number has already been taken", attributes: ["phone_number"])
            }
        }
        if let identifier = input.identifier, !identifier.isEmpty,
            try Row.fetchOne(
                db.cached("SELECT 1 FROM users WHERE workspace_id = ? AND external_id = ? AND identifier_set = 1 AND id != ?"),
                arguments: [workspace.id, identifier, id ?? 0]) != nil
        {
            throw ChatwootError.invalid("Identifier has already been taken", attributes: ["identifier"])
        }
        if let name = input.name, name.count > 255 {
            throw ChatwootError.invalid("Name is too long (maximum is 255 characters)", attributes: ["name"])
        }
    }

    /// `POST contacts`: the contact and, with `inbox_id`, its contact inbox.
    func referenceCreateContact(_ workspace: Workspace, _ input: ContactInput) async throws -> [String: JSONValue] {
        let stored = try await write { [self] db -> (contact: Int64, contactInbox: Int64?) in
            try validate(db, workspace, input, except: nil)
            let inbox = try input.inbox_id.map { try requireInbox(db, workspace, $0.value ?? 0) }
            let identifier = input.identifier.flatMap { $0.isEmpty ? nil : $0 }
            let userId = try UserRecord.insert(
                db,
                .init(
                    workspaceId: workspace.id, externalId: identifier ?? "cw-contact-\(RandomUUID.string())",
                    identifierSet: identifier != nil, name: input.name, email: input.email?.lowercased(), phone: input.phone_number,
                    attributes: input.custom_attributes ?? [:], additionalAttributes: input.additional_attributes ?? [:]),
                at: now())
            let contactInbox = try inbox.map {
                try self.contactInbox(db, userId: userId, inboxId: $0["id"], sourceId: input.source_id)
            }
            return (userId, contactInbox)
        }
        // Rendered after the commit, outside the write transaction.
        return try read { db in
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            var contactInbox: JSONValue = .object(["inbox": .null, "source_id": .null])
            if let id = stored.contactInbox,
                let row = try Row.fetchOne(db.cached("SELECT inbox_id, source_id FROM contact_inboxes WHERE id = ?"), arguments: [id])
            {
                let inbox = try requireInbox(db, workspace, row["inbox_id"])
                contactInbox = .object([
                    "inbox": .object(views.inbox(inbox, admin: false)), "source_id": .string(row["source_id"] as String?),
                ])
            }
            let contact = try views.contactWithInboxes(try requireContact(db, workspace, stored.contact))
            return ["payload": .object(["contact": .object(contact), "contact_inbox": contactInbox])]
        }
    }

    /// `PATCH contacts/{id}`: fields replaced, attribute hashes merged.
    func updateContact(_ workspace: Workspace, id: Int64, _ input: ContactInput) async throws -> [String: JSONValue] {
        try await write { [self] db in
            let row = try requireContact(db, workspace, id)
            try validate(db, workspace, input, except: id)
            var custom = Rows.object(row["attributes"])
            custom.merge(input.custom_attributes ?? [:]) { $1 }
            var additional = Rows.object(row["additional_attributes"])
            additional.merge(input.additional_attributes ?? [:]) { $1 }
            try db.cached(
                """
                UPDATE users SET name = COALESCE(?, name), email = COALESCE(?, email), phone = COALESCE(?, phone),
                    attributes = ?, additional_attributes = ? WHERE id = ?
                """
            ).execute(arguments: [input.name, input.email?.lowercased(), input.phone_number, Rows.json(custom), Rows.json(additional), id])
            if let identifier = input.identifier, !identifier.isEmpty {
                try db.cached("UPDATE users SET external_id = ?, identifier_set = 1 WHERE id = ?").execute(arguments: [identifier, id])
            }
            ChangeLog.record("user", EntityKind.user.id(id), "updated")
        }
        // Rendered after the commit, outside the write transaction.
        return try read { db in
            [
                "payload": .object(
                    try ChatwootViews(store: self, db: db, workspace: workspace).contactWithInboxes(
                        try requireContact(db, workspace, id)))
            ]
        }
    }

    /// `GET contacts/{id}`.
    func showContact(_ workspace: Workspace, id: Int64, withInboxes: Bool) throws -> [String: JSONValue] {
        try read { db in
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            let row = try requireContact(db, workspace, id)
            return ["payload": .object(withInboxes ? try views.contactWithInboxes(row) : views.contact(row))]
        }
    }

    /// Contacts matching a SQL condition, 15 a page, with Chatwoot's meta and, unless told not to, `contact_inboxes`.
    func contactPage(
        _ workspace: Workspace, condition: String, arguments: StatementArguments, page: Int, hasMore: Bool = false,
        withInboxes: Bool = true
    ) throws -> [String: JSONValue] {
        try read { db in
            let base = "FROM users WHERE workspace_id = ? AND (\(condition))"
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(base)", arguments: [workspace.id] + arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * \(base) ORDER BY id LIMIT 15 OFFSET ?", arguments: [workspace.id] + arguments + [(page - 1) * 15])
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            var meta: [String: JSONValue] = ["count": .int(count), "current_page": .int(page)]
            if hasMore { meta["has_more"] = .bool(page * 15 < count) }
            return [
                "meta": .object(meta),
                "payload": .array(try rows.map { .object(withInboxes ? try views.contactWithInboxes($0) : views.contact($0)) }),
            ]
        }
    }

    /// `POST contacts/{id}/contact_inboxes`.
    func addContactInbox(_ workspace: Workspace, contactId: Int64, inboxId: Int64, sourceId: String?) async throws -> [String: JSONValue] {
        try await write { [self] db in
            _ = try requireContact(db, workspace, contactId)
            _ = try requireInbox(db, workspace, inboxId)
            let id = try contactInbox(db, userId: contactId, inboxId: inboxId, sourceId: sourceId)
            let source = try String.fetchOne(db.cached("SELECT source_id FROM contact_inboxes WHERE id = ?"), arguments: [id])
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            return ["source_id": .string(source), "inbox": .object(try views.inboxSlim(inboxId) ?? [:])]
        }
    }

    /// `POST contact_inboxes/filter`.
    func findContactInbox(_ workspace: Workspace, inboxId: Int64, sourceId: String) throws -> [String: JSONValue] {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db.cached(
                        """
                        SELECT u.* FROM contact_inboxes ci JOIN users u ON u.id = ci.user_id
                        WHERE ci.inbox_id = ? AND ci.source_id = ? AND u.workspace_id = ?
                        """), arguments: [inboxId, sourceId, workspace.id])
            else { throw ChatwootError(.notFound, [:]) }
            return try ChatwootViews(store: self, db: db, workspace: workspace).contactWithInboxes(row)
        }
    }

    /// `GET contacts/{id}/conversations`: the latest 20.
    func contactConversations(_ workspace: Workspace, contactId: Int64) throws -> [String: JSONValue] {
        try read { db in
            _ = try requireContact(db, workspace, contactId)
            let rows = try Row.fetchAll(
                db.cached("SELECT * FROM conversations WHERE user_id = ? ORDER BY updated_at DESC LIMIT 20"), arguments: [contactId])
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            return ["payload": .array(try rows.map { .object(try views.conversation($0)) })]
        }
    }

    /// Inboxes of the workspace.
    func inboxes(_ workspace: Workspace, admin: Bool) throws -> [String: JSONValue] {
        try read { db in
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            let rows = try Row.fetchAll(db.cached("SELECT * FROM inboxes WHERE workspace_id = ? ORDER BY id"), arguments: [workspace.id])
            return ["payload": .array(rows.map { .object(views.inbox($0, admin: admin)) })]
        }
    }

    /// One inbox.
    func inbox(_ workspace: Workspace, id: Int64, admin: Bool) throws -> [String: JSONValue] {
        try read { db in
            ChatwootViews(store: self, db: db, workspace: workspace).inbox(try requireInbox(db, workspace, id), admin: admin)
        }
    }
}
