import Foundation
import HandoffClient
import Testing

@testable import MockServer

@Suite("Secrets")
struct SecretsTests {
    struct Created: Decodable {
        var token: String
    }

    @Test("with --log-level trace, no token or webhook secret used in requests appears in the mock's output")
    func tokensNeverLogged() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("handoff-trace-\(UUID().uuidString).log")
        let mock = MockProcess(arguments: ["mock", "--port", "0", "--in-memory", "--log-level", "trace"], errorLog: log)
        try await mock.start()
        let token = "hk_secret_\(UUID().uuidString)"
        let added = "hk_added_\(UUID().uuidString)"
        let wrong = "hk_wrong_\(UUID().uuidString)"
        let secret = "whsec_\(UUID().uuidString)"
        let anonymous = HTTPTransport(baseURL: mock.url, token: nil)
        let created: Created = try await anonymous.call(.POST, "/mock/v1/workspaces", body: ["name": "secrets", "token": token])
        #expect(created.token == token)

        let http = HTTPTransport(baseURL: mock.url, token: token)
        #expect(try await http.send(.GET, "/v1/teams").status == 200)
        #expect(try await http.send(.POST, "/v1/users", text: #"{"externalId":"u"}"#).status == 201)
        #expect(try await http.send(.GET, "/v1/users/usr_999999").status == 404)
        #expect(try await http.send(.POST, "/v1/users", text: "{").status == 400)
        // A webhook to a closed port: its failed deliveries are logged.
        let hook = #"{"url":"http://127.0.0.1:9/hook","secret":"\#(secret)"}"#
        #expect(try await http.send(.POST, "/v1/webhooks", text: hook).status == 201)
        #expect(try await http.send(.POST, "/mock/v1/tokens", text: #"{"token":"\#(added)"}"#).status == 201)
        #expect(try await HTTPTransport(baseURL: mock.url, token: added).send(.GET, "/v1/teams").status == 200)
        #expect(try await HTTPTransport(baseURL: mock.url, token: wrong).send(.GET, "/v1/teams").status == 401)
        let malformed = try await anonymous.send(.GET, "/v1/teams", headers: [("Authorization", "Token \(wrong)")])
        #expect(malformed.status == 401)
        try await Task.sleep(for: .milliseconds(300))
        mock.kill(SIGTERM)
        #expect(try await mock.exitStatus() == 0)

        let text = try String(contentsOf: log, encoding: .utf8)
        try? FileManager.default.removeItem(at: log)
        #expect(text.split(separator: "\n").count >= 3, "trace logging wrote lines:\n\(text)")
        let output = text + mock.lines.joined(separator: "\n")
        for value in [token, added, wrong, secret] {
            #expect(!output.contains(value), "\(value.prefix(9))… appears in the output")
        }
    }

    @Test("tokens are found by digest: the comparison is exact on every byte and the lookup sees every known digest")
    func constantTimeComparison() async throws {
        let digest = SupportStore.hash(token: "dev-token")
        #expect(digest.count == 64 && digest != "dev-token")
        #expect(SupportStore.constantTimeEquals(digest, SupportStore.hash(token: "dev-token")))
        #expect(!SupportStore.constantTimeEquals(digest, SupportStore.hash(token: "dev-tokem")))
        #expect(!SupportStore.constantTimeEquals(digest, String(digest.dropLast())))
        let first = Workspace(id: 1, name: "default")
        let second = Workspace(id: 2, name: "other")
        let known = [
            (hash: digest, credentials: Credentials(workspace: first, principal: .user(id: 0, role: "administrator"), role: .admin)),
            (hash: SupportStore.hash(token: "other"), credentials: Credentials(workspace: second, principal: .bot(id: 1), role: .bot)),
        ]
        #expect(SupportStore.constantTimeLookup(SupportStore.hash(token: "other"), in: known)?.workspace == second)
        #expect(SupportStore.constantTimeLookup(SupportStore.hash(token: "other"), in: known)?.role == .bot)
        #expect(SupportStore.constantTimeLookup(SupportStore.hash(token: "nope"), in: known) == nil)
        // Through the store: a known token finds its workspace, twice (the second time from the cache).
        let store = try SupportStore(path: nil)
        let made = try await store.createWorkspace(name: "w", token: "w-token")
        #expect(try store.workspace(forToken: "w-token") == made)
        #expect(try store.workspace(forToken: "w-token") == made)
        #expect(try store.workspace(forToken: "w-tokeN") == nil)
    }
}
