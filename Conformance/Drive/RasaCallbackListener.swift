import Foundation
import HandoffClient
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// What each end user received, per recipient id, oldest first; bounded (the newest `perRecipient`
/// messages of at most `recipients` recipients — later recipients are counted, not kept).
final class ReceivedStore: Sendable {
    private struct State {
        var messages: [String: [ReceivedMessage]] = [:]
        var callbacks: [HTTPExchange] = []
        var dropped = 0
    }
    private let state = Mutex(State())
    private let perRecipient: Int
    private let recipients: Int

    init(perRecipient: Int = 500, recipients: Int = 1_000) {
        self.perRecipient = perRecipient
        self.recipients = recipients
    }

    /// Keeps a message for a recipient.
    func append(_ message: ReceivedMessage, for recipient: String) {
        state.withLock { state in
            guard state.messages[recipient] != nil || state.messages.count < recipients else {
                state.dropped += 1
                return
            }
            state.messages[recipient, default: []].append(message)
            if state.messages[recipient]!.count > perRecipient { state.messages[recipient]!.removeFirst() }
        }
    }

    /// Keeps a callback delivery as evidence (the newest 200).
    func recordCallback(_ exchange: HTTPExchange) {
        state.withLock { state in
            state.callbacks.append(exchange)
            if state.callbacks.count > 200 { state.callbacks.removeFirst() }
        }
    }

    /// What a recipient received so far.
    func messages(for recipient: String) -> [ReceivedMessage] {
        state.withLock { $0.messages[recipient] ?? [] }
    }

    /// The callback deliveries that mention `text`, as exchanges.
    func callbacks(mentioning text: String) -> [HTTPExchange] {
        state.withLock { $0.callbacks.filter { ($0.requestBody ?? "").contains(text) } }
    }
}

/// The suite's end of Rasa's callback channel: a loopback HTTP server on the `--callback` URL that takes
/// `POST {"recipient_id": "…", "text": "…"}` from the connector and files each text as received, from
/// the agent, by the recipient.
final class RasaCallbackListener: Sendable {
    /// The URL it serves.
    let url: String
    private let server: LoopbackServer

    private init(url: String, server: LoopbackServer) {
        self.url = url
        self.server = server
    }

    private struct Callback: Decodable {
        var recipient_id: String?
        var text: String?
    }

    /// Starts listening on the callback URL's loopback host, port and path; ``DriveError`` when it cannot.
    static func start(callback: String, store: ReceivedStore) async throws -> RasaCallbackListener {
        let address = try LoopbackURL(callback, role: "--callback")
        var logger = Logger(label: "handoff.drive.callback")
        logger.logLevel = .critical
        let router = Router()
        router.post(RouterPath(address.path)) { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 256 << 10)
            let text = String(buffer: body)
            store.recordCallback(
                HTTPExchange(
                    method: "POST", path: address.path + " (callback from the connector)", requestBody: text, status: 200,
                    responseBody: ""))
            guard let callback = try? JSONDecoder().decode(Callback.self, from: Data(text.utf8)),
                let recipient = callback.recipient_id
            else { return Response(status: .badRequest) }
            if let message = callback.text { store.append(ReceivedMessage(from: "agent", text: message), for: recipient) }
            return Response(status: .ok)
        }
        let host = address.host.lowercased() == "localhost" ? "127.0.0.1" : address.host
        do {
            let server = try await LoopbackServer.start(router: router, host: host, port: address.port, logger: logger)
            return RasaCallbackListener(url: callback, server: server)
        } catch {
            throw DriveError(
                description: "cannot listen on the callback \(callback): \(DriverCalls.cut("\(error)", 160)) (is the port in use?)")
        }
    }

    /// Stops listening.
    func stop() async {
        await server.stop()
    }
}
