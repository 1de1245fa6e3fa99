import Foundation
import HTTPTypes
import HandoffContract
import Hummingbird

/// Records every request of a workspace in its ``RequestJournal`` once it is answered, whichever face
/// it reached, refusals included. It runs outermost, so it sees the answer as the client gets it
/// (problem+json and Chatwoot error bodies already rendered).
///
/// After a successful write it fires the workspace's ``EventSignal``, so whatever watches the store (the
/// desk's `/mock/v1/changes`, the scripted agents) wakes whichever face made the change.
///
/// Not journaled: requests without a known token (they belong to no workspace), the open meta routes,
/// the journal's own routes, the change long-poll and the desk's page and reads — reading the journal
/// never changes it.
struct JournalMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext
    let store: SupportStore

    /// Answers larger than this are journaled without their members.
    static let maxResponse = 256 * 1024

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.isJournaled(request) else { return try await next(request, context) }
        let ticket = JournalTicket()
        var context = context
        context.journalTicket = ticket
        let time = Date()
        let started = ContinuousClock.now
        let changes = ChangeLog()
        var response: Response
        do {
            response = try await ChangeLog.$current.withValue(changes) { try await next(request, context) }
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        let elapsed = ContinuousClock.now - started
        guard let workspace = ticket.workspace ?? workspaceFromHeaders(request) else { return response }

        var responseBody: JSONValue?
        if response.headers[.contentType]?.contains("json") == true {
            let buffer = try await CollectingWriter.collect(response.body)
            response.body = .init(byteBuffer: buffer)
            if buffer.readableBytes <= Self.maxResponse {
                let bytes = Array(buffer.readableBytesView)
                let isArray = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } == UInt8(ascii: "[")
                responseBody = JSONValueParser.parse(
                    bytes, keeping: isArray ? JournalDescriber.arrayResponseKeep : JournalDescriber.responseKeep)
            }
        }
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 }
        let face = JournalFace.of(path: request.uri.path)
        let store = store
        let describer = JournalDescriber(
            method: request.method.rawValue, path: request.uri.path, route: route, status: response.status.code, face: face,
            pathId: context.parameters.get("id"), idempotencyKey: request.headers[.idempotencyKey],
            requestBody: ticket.body,
            responseBody: responseBody, recorded: changes.changes, recordedConversation: changes.conversationId,
            conversationForNumber: { number in try? store.conversation(workspace, number: number).id })
        let described = describer.describe()
        let query = request.uri.query.flatMap { $0.isEmpty ? nil : String($0) }
        let entry = JournalEntry(
            time: time, kind: .request, face: face, method: request.method.rawValue, path: request.uri.path, route: route,
            query: query, status: response.status.code, durationMs: Self.milliseconds(elapsed), caller: ticket.caller,
            conversationId: described.conversationId, changes: described.changes, error: described.error,
            request: described.request, response: described.response, summary: described.summary)
        store.journal.append(entry, workspace: workspace.id)
        if request.method != .get && request.method != .head && (200..<300).contains(response.status.code) {
            // Every acknowledged write, on either face, wakes the desk's long-poll and the scripted agents.
            store.signal.fire(workspace.id)
        }
        return response
    }

    /// The workspace of a token the authenticators never saw (the route did not exist, say).
    private func workspaceFromHeaders(_ request: Request) -> Workspace? {
        guard let token = PresentedToken.any(request) else { return nil }
        return (try? store.credentials(forToken: token))?.workspace
    }

    /// Whether a request goes into the journal (see the type's documentation).
    /// The header `handoff verify` puts on its own reads.
    static let verifyReadHeader = HTTPField.Name("X-Handoff-Verify")!

    static func isJournaled(_ request: Request) -> Bool {
        let path = request.uri.path
        if path == "/" || path == "/health" || path.hasPrefix("/openapi.") || path.hasPrefix("/desk") { return false }
        if path == "/mock/v1/journal" || path.hasPrefix("/mock/v1/journal/") || path == "/mock/v1/changes" { return false }
        let read = request.method == .get || request.method == .head
        if path.hasPrefix("/mock/v1/desk") && read { return false }
        // `handoff verify` marks its own reads: they are not the connector's requests. A write always counts.
        if read && request.headers[verifyReadHeader] != nil { return false }
        return true
    }

    /// A duration in milliseconds, to the microsecond.
    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return ((Double(seconds) * 1000 + Double(attoseconds) / 1e15) * 1000).rounded() / 1000
    }
}
