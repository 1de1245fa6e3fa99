import Foundation
import HandoffContract
import Synchronization

/// What the handlers of one request tell the journal about it, through the request context: the
/// workspace the authenticator found, who called the Chatwoot face, and the JSON body as read.
///
/// The request context is a value passed down the middleware chain, so the journal middleware, which
/// runs first, cannot see what later middleware set on its own copy; this shared box carries it back.
final class JournalTicket: Sendable {
    private struct State {
        var workspace: Workspace?
        var caller: String?
        var body: JSONValue?
    }
    private let state = Mutex(State())

    /// Largest request body kept for describing the request.
    static let maxBody = 64 * 1024

    var workspace: Workspace? {
        get { state.withLock { $0.workspace } }
        set { state.withLock { $0.workspace = newValue } }
    }

    var caller: String? {
        get { state.withLock { $0.caller } }
        set { state.withLock { $0.caller = newValue } }
    }

    /// The request body as parsed once by ``JSONIO`` (nil when it was not JSON or larger than ``maxBody``).
    var body: JSONValue? { state.withLock { $0.body } }

    func record(body: JSONValue?, size: Int) {
        guard let body, size <= Self.maxBody else { return }
        state.withLock { $0.body = body }
    }
}
