import Foundation
import GRDB
import HandoffContract

/// Chatwoot event bodies, rendered when first sent rather than inside the write that queued them.
///
/// A write queues an event with its recipe (``ChatwootRecipe``: the message, and the `changed_attributes` taken from
/// the rows before and after). The dispatcher renders the body from the state at that moment, as Chatwoot's event job
/// does (it reads the records when it runs, so a body can show a later write), stores it, and sends it: the same bytes
/// to every target and on every retry. The single writer never spends its transaction rendering.
extension SupportStore {
    /// Renders the bodies `due` still lacks, in one read (each payload once, a conversation's webhook data once), stores
    /// them in one write before anything is sent (a body another pass stored first stands), and returns the deliveries
    /// with their bodies: every subscription and every retry of an event send the same bytes. A delivery whose
    /// conversation or message no longer exists comes back with an empty body, and is failed by the caller: Chatwoot's
    /// job finds nothing to send either.
    func renderChatwootPayloads(_ due: [DueDelivery]) async throws -> [DueDelivery] {
        if !due.contains(where: { $0.recipe != nil }) { return due }
        let rendered: [Int64: String] = try read { db in
            var conversations: [Int64: (row: Row, data: [String: JSONValue])] = [:]
            var bodies: [Int64: String] = [:]
            var workspaces: [Int64: Workspace] = [:]
            func render(_ delivery: DueDelivery, recipe: ChatwootRecipe) throws -> String? {
                guard let conversationId = delivery.conversationId else { return nil }
                let workspace: Workspace
                if let known = workspaces[delivery.workspaceId] {
                    workspace = known
                } else {
                    guard
                        let name = try String.fetchOne(
                            db.cached("SELECT name FROM workspaces WHERE id = ?"), arguments: [delivery.workspaceId])
                    else { return nil }
                    workspace = Workspace(id: delivery.workspaceId, name: name)
                    workspaces[delivery.workspaceId] = workspace
                }
                let views = ChatwootViews(store: self, db: db, workspace: workspace)
                if conversations[conversationId] == nil, let row = try conversationRow(db, id: conversationId) {
                    conversations[conversationId] = (row, try views.conversationWebhook(row))
                }
                guard let conversation = conversations[conversationId] else { return nil }
                var body: [String: JSONValue]
                if let messageId = recipe.messageId {
                    guard let message = try MessageRecord.row(db, id: messageId) else { return nil }
                    body = try views.messageWebhook(message, conversation: conversation.row, event: delivery.eventName)
                } else {
                    body = conversation.data
                    if let changed = recipe.changedAttributes { body["changed_attributes"] = changed }
                }
                body["event"] = .string(delivery.eventName)
                return Rows.json(JSONValue.object(body))
            }
            for delivery in due {
                guard let payloadId = delivery.payloadId, let recipe = delivery.recipe, bodies[payloadId] == nil else { continue }
                if let body = try render(delivery, recipe: recipe) { bodies[payloadId] = body }
            }
            return bodies
        }
        let standing: [Int64: String] =
            rendered.isEmpty
            ? [:]
            : try await groupedWrite { db in
                var stored: [Int64: String] = [:]
                for (payloadId, body) in rendered {
                    stored[payloadId] = try DeliveryRecord.storeRendered(db, payloadId: payloadId, body: body)
                }
                return stored
            }
        return due.map { delivery in
            guard let payloadId = delivery.payloadId, delivery.recipe != nil else { return delivery }
            var delivery = delivery
            delivery.recipe = nil
            delivery.body = standing[payloadId].map { Array($0.utf8) } ?? []
            return delivery
        }
    }
}
