import Foundation
import HandoffContract
import Synchronization

/// What one request changed, as the records wrote it: the journal keeps this, rather than guessing from the request
/// and the answer.
///
/// The journal binds a log to the request's task (``current``); every write the request makes through the store's
/// group commit runs with it bound, and each record's write (a user stored, a conversation changed, a message
/// added…) appends its ``JournalChange``. A write whose savepoint rolls back, or whose transaction fails, leaves
/// nothing in the log: what a write records is kept only once it has committed.
final class ChangeLog: Sendable {
    /// The log of the request being served; nil outside a journaled request (seeding, scripted agents).
    @TaskLocal static var current: ChangeLog?

    private struct State {
        var changes: [JournalChange] = []
        var conversationId: String?
    }
    private let state = Mutex(State())

    /// Appends a change to the log of the current request, if any.
    static func record(_ entity: String, _ id: String, _ action: String, conversationId: String? = nil) {
        current?.append(JournalChange(entity: entity, id: id, action: action), conversationId: conversationId)
    }

    /// Appends a change; `conversationId` (or the change's own id, for a conversation) names the conversation the
    /// request concerned, the first one named winning. An entity is listed once: created, or else updated.
    func append(_ change: JournalChange, conversationId: String?) {
        state.withLock { state in
            let listed = state.changes.contains { $0.entity == change.entity && $0.id == change.id }
            if !listed { state.changes.append(change) }
            if state.conversationId == nil {
                state.conversationId = conversationId ?? (change.entity == "conversation" ? change.id : nil)
            }
        }
    }

    /// Moves what `other` recorded into this log (a committed write's changes into its request's log).
    func absorb(_ other: ChangeLog) {
        let taken = other.state.withLock { $0 }
        for change in taken.changes { append(change, conversationId: taken.conversationId) }
    }

    /// Everything recorded, in order.
    var changes: [JournalChange] { state.withLock { $0.changes } }
    /// The conversation the request concerned, when a change named one.
    var conversationId: String? { state.withLock { $0.conversationId } }
}
