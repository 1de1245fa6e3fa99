import Conformance
import Foundation
import HandoffClient
import HandoffContract
import MockServer

/// A mock support system running in this test, as ``withHandoffMock(_:isolation:_:)`` hands it over:
/// where it listens, the tokens and Chatwoot ids its seed made, the clients to reach it, and helpers
/// that play the human agent, read the request journal and run `handoff verify`.
public struct HandoffMock: Sendable {
    /// The tokens of the seed's first workspace.
    public struct Tokens: Sendable, Hashable {
        /// The neutral API's bearer token (`dev-token` with the default seed).
        public var neutral: String
        /// The Chatwoot face's administrator `api_access_token` (the same token: `dev-token`).
        public var chatwootAdmin: String
        /// The agent bot's `api_access_token` of the first inbox (`bot-token`); nil when the seed has none.
        public var chatwootBot: String?
        /// The first agent's user `api_access_token` (`agent-token`, Bea Billing); nil when the seed has none.
        public var chatwootAgent: String?
    }

    /// The Chatwoot face's ids for the seed's first workspace.
    public struct ChatwootIds: Sendable, Hashable {
        /// The account id (`/api/v1/accounts/{accountId}`); 1 with the default seed.
        public var accountId: Int
        /// The first API inbox's id; 1 with the default seed, nil when the seed has no inbox.
        public var inboxId: Int?
    }

    /// The running server; its `store` is the mock's state, for checks a test cannot make over HTTP.
    public let server: RunningMock
    /// The base URL, e.g. `http://127.0.0.1:53122`: give it to the connector under test.
    public var url: String { server.url }
    /// The bound loopback port.
    public var port: Int { server.port }
    /// The seed's tokens.
    public let tokens: Tokens
    /// The seed's Chatwoot account and inbox.
    public let chatwoot: ChatwootIds
    /// The name of the workspace the tokens belong to (`default` with the default seed).
    public let workspace: String

    /// The neutral API as the bot sees it, with ``Tokens/neutral``.
    public var support: NeutralSupportClient { NeutralSupportClient(baseURL: url, token: tokens.neutral) }
    /// The mock's control API that plays the human agent, with ``Tokens/neutral``.
    public var desk: MockAgentDesk { MockAgentDesk(baseURL: url, token: tokens.neutral) }
    /// Where a Chatwoot connector talks: the account, the inbox, the administrator's token and the bot's
    /// token; nil when the seed has no inbox.
    public var chatwootAccount: ChatwootAccount? {
        chatwoot.inboxId.map {
            ChatwootAccount(
                baseURL: url, accountId: chatwoot.accountId, inboxId: $0, userToken: tokens.chatwootAdmin,
                botToken: tokens.chatwootBot)
        }
    }

    /// Starts the server on a store seeded as `options` says, and reads the ids the seed made.
    static func start(_ options: HandoffMockOptions, path: String?) async throws -> HandoffMock {
        guard let first = options.seed.workspaces.first else { throw HandoffMockError("the seed has no workspace") }
        let store = try SupportStore(path: path)
        try await store.apply(options.seed)
        guard let workspace = try store.workspace(named: first.name), let token = first.tokens.first else {
            throw HandoffMockError("the seed's workspace '\(first.name)' was not created")
        }
        let tokens = Tokens(
            neutral: token, chatwootAdmin: token, chatwootBot: first.inboxes?.first?.agentBot?.token,
            chatwootAgent: first.agentTokens?.first?.token)
        let server = try await RunningMock.start(config: options.configuration, store: store, logger: options.logger)
        do {
            var inboxId: Int?
            if let inbox = first.inboxes?.first {
                inboxId = try await Self.inboxId(named: inbox.name, url: server.url, accountId: workspace.id, token: token)
            }
            return HandoffMock(
                server: server, tokens: tokens, chatwoot: ChatwootIds(accountId: Int(workspace.id), inboxId: inboxId),
                workspace: workspace.name)
        } catch {
            await server.stop()
            throw error
        }
    }

    /// The id of an inbox, read on the Chatwoot face as the administrator, marked as a verify read so it
    /// stays out of the journal.
    private static func inboxId(named name: String, url: String, accountId: Int64, token: String) async throws -> Int {
        struct Inboxes: Decodable {
            struct Inbox: Decodable {
                var id: Int
                var name: String
            }
            var payload: [Inbox]
        }
        let transport = HTTPTransport(
            baseURL: url, token: token, tokenPlacement: .header(ChatwootAccount.tokenHeader))
        let inboxes: Inboxes = try await transport.call(
            .GET, "/api/v1/accounts/\(accountId)/inboxes", headers: [JournalReader.readHeader])
        guard let inbox = inboxes.payload.first(where: { $0.name == name }) else {
            throw HandoffMockError("the seed's inbox '\(name)' is not on the Chatwoot face")
        }
        return inbox.id
    }

    // MARK: Playing the agent

    /// An agent takes a conversation that was handed to a team (state `queued` → `assigned`); nil lets
    /// the mock pick one of the team's agents.
    @discardableResult
    public func accept(_ conversationId: String, agentId: String? = nil) async throws -> Conversation {
        try await desk.accept(conversationId, agentId: agentId)
    }

    /// The assigned agent replies in public; the bot hears it as a `message.created` event.
    @discardableResult
    public func reply(_ conversationId: String, _ text: String) async throws -> Message {
        try await desk.reply(conversationId, text: text)
    }

    /// An agent writes an internal note, which the bot must never show to the user.
    @discardableResult
    public func note(_ conversationId: String, _ text: String) async throws -> Message {
        try await desk.note(conversationId, text: text)
    }

    /// The agent is done (state `resolved`); the bot hears it as a `conversation.resolved` event.
    @discardableResult
    public func resolve(_ conversationId: String) async throws -> Conversation {
        try await desk.resolve(conversationId)
    }

    // MARK: Journal and verify

    /// Every request the workspace received after journal position `since`, oldest first: what the
    /// connector (and the agent helpers) did, as `handoff verify` reads it.
    public func journal(since: Int = 0) async throws -> [JournalRecord] {
        try await JournalReader(target: url, token: tokens.neutral).journal(since: since).records
    }

    /// Runs `handoff verify` in process on the journal of the workspace: each consumer case judged on
    /// what the connector did. Check `outcome.summary.verdict` and `outcome.summary.results`.
    public func verify(_ options: VerifyOptions = .init()) async throws -> ConsumerVerifier.Outcome {
        try await ConsumerVerifier(target: url, token: tokens.neutral, options: options).run()
    }
}
