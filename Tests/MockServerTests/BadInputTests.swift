import Foundation
import HandoffClient
import HandoffContract
import Logging
import MockServer
import NIOHTTP1
import Testing

/// Every class of bad input gets a 4xx with a problem+json body and a stable code, and leaves
/// what was stored untouched.
@Suite("Bad input")
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var path: String
        var body: String?
        var headers: [String: String] = [:]
        var status: Int
        var code: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", method: "POST", path: "/v1/users", body: #"{"externalId": "#, status: 400, code: "invalid_json"),
        Case(name: "empty body", method: "POST", path: "/v1/users", body: "", status: 400, code: "invalid_json"),
        Case(
            name: "trailing comma (RFC 8259)", method: "POST", path: "/v1/users", body: #"{"externalId":"x",}"#,
            headers: ["Content-Type": "application/json"], status: 400, code: "invalid_json"),
        Case(
            name: "trailing comma in an array", method: "POST", path: "/v1/conversations",
            body: #"{"userId":"usr_1","context":{"intents":["a",]}}"#, status: 400, code: "invalid_json"),
        Case(name: "wrong type", method: "POST", path: "/v1/users", body: #"{"externalId": 42}"#, status: 422, code: "validation_failed"),
        Case(name: "wrong top-level type", method: "POST", path: "/v1/users", body: #"["x"]"#, status: 422, code: "validation_failed"),
        Case(name: "missing field", method: "POST", path: "/v1/users", body: #"{"name": "Ada"}"#, status: 422, code: "validation_failed"),
        Case(
            name: "blank field", method: "POST", path: "/v1/users", body: #"{"externalId": "  "}"#, status: 422, code: "validation_failed"),
        Case(
            name: "bad enum", method: "POST", path: "/v1/conversations/CNV/messages", body: #"{"author":"robot","text":"x"}"#, status: 422,
            code: "validation_failed"),
        Case(
            name: "oversized body", method: "POST", path: "/v1/users",
            body: #"{"externalId":""# + String(repeating: "x", count: 1_100_000) + #""}"#, status: 413, code: "payload_too_large"),
        Case(
            name: "not JSON", method: "POST", path: "/v1/users", body: "externalId=1", headers: ["Content-Type": "text/plain"], status: 415,
            code: "unsupported_media_type"),
        Case(name: "unknown route", method: "GET", path: "/v1/nothing-here", status: 404, code: "route_not_found"),
        Case(name: "wrong method", method: "DELETE", path: "/v1/users", status: 405, code: "method_not_allowed"),
        Case(
            name: "wrong method on an id route", method: "PUT", path: "/v1/conversations/CNV", body: "{}", status: 405,
            code: "method_not_allowed"),
        Case(name: "unknown id", method: "GET", path: "/v1/conversations/cnv_999999", status: 404, code: "not_found"),
        Case(name: "id of another kind", method: "GET", path: "/v1/conversations/usr_1", status: 404, code: "not_found"),
        Case(
            name: "bad query parameter", method: "GET", path: "/v1/conversations/CNV/messages?after=-1", status: 400,
            code: "invalid_parameter"),
        Case(name: "bad limit", method: "GET", path: "/v1/users?limit=100000", status: 400, code: "invalid_parameter"),
        Case(name: "bad state filter", method: "GET", path: "/v1/conversations?state=open", status: 400, code: "invalid_parameter"),
        Case(
            name: "transfer naming no team", method: "POST", path: "/v1/conversations/CNV/transfer", body: "{}", status: 422,
            code: "validation_failed"),
        Case(
            name: "invalid state transition", method: "POST", path: "/mock/v1/conversations/CNV/resolve", body: "", status: 409,
            code: "invalid_transition"),
        Case(name: "missing token", method: "GET", path: "/v1/teams", headers: ["Authorization": ""], status: 401, code: "unauthorized"),
        Case(
            name: "wrong token", method: "GET", path: "/v1/teams", headers: ["Authorization": "Bearer nope"], status: 401,
            code: "invalid_token"),
        Case(
            name: "not a bearer", method: "GET", path: "/v1/teams", headers: ["Authorization": "Basic Zm9vOmJhcg=="], status: 401,
            code: "invalid_token"),
    ]

    @Test("answers 4xx problem+json and harms nothing", arguments: cases)
    func badInput(_ testCase: Case) async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation("bad-input")
            _ = try await server.support.post(.init(author: .user, text: "kept"), to: conversation.id)
            let path = testCase.path.replacingOccurrences(of: "CNV", with: conversation.id)
            var headers = testCase.headers.map { ($0.key, $0.value) }
            let token: String? = testCase.headers["Authorization"] == nil ? "dev-token" : nil
            headers.removeAll { $0.0 == "Authorization" && $0.1.isEmpty }
            let response = try await server.http(token: token).send(
                .init(rawValue: testCase.method), path, body: testCase.body.map { Array($0.utf8) }, headers: headers)
            #expect(response.status == testCase.status, "\(response.responseBody.prefix(300))")
            let body = json(response)
            #expect(body["code"] as? String == testCase.code)
            #expect(body["status"] as? Int == testCase.status)
            #expect((body["detail"] as? String)?.isEmpty == false)
            #expect((body["type"] as? String)?.hasPrefix("urn:handoffkit:problem:") == true)

            let messages = try await server.support.messages(in: conversation.id, after: nil, limit: nil)
            #expect(messages.map(\.text) == ["kept"])
            #expect(try await server.support.conversation(id: conversation.id).state == .bot)
        }
    }

    @Test("problem bodies are served as application/problem+json; 405 says what is allowed; 401 challenges")
    func headers() async throws {
        try await withServer { server in
            let wrongMethod = try await server.http().send(.DELETE, "/v1/teams")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers["content-type"] == "application/problem+json")
            #expect(wrongMethod.headers["allow"]?.contains("GET") == true)
            let unauthorized = try await server.http(token: nil).send(.GET, "/v1/teams")
            #expect(unauthorized.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        }
    }
}

/// Framing the HTTP parser rejects while the body is read: a 4xx (or 501) with a problem body, never a 500.
@Suite("Bad framing")
struct BadFramingTests {
    static let head = "POST /v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer dev-token\r\nContent-Type: application/json\r\n"

    @Test(
        "malformed or overflowing chunk sizes are 400 malformed_request; a transfer coding we do not decode is 501",
        arguments: [
            (head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400, "malformed_request"),
            (head + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffffffff\r\n{}\r\n0\r\n\r\n", 400, "malformed_request"),
            (head + "Transfer-Encoding: gzip\r\n\r\n{}", 501, "unsupported_transfer_encoding"),
            (
                "POST /api/v1/accounts/1/contacts HTTP/1.1\r\nHost: 127.0.0.1\r\napi_access_token: dev-token\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "malformed_request"
            ),
        ])
    func framing(request: String, status: Int, code: String) async throws {
        try await withServer { server in
            let port = try #require(URL(string: server.url)?.port)
            let answer = try await rawHTTP(port: port, request)
            #expect(answer.hasPrefix("HTTP/1.1 \(status)"), "\(answer.prefix(200))")
            #expect(answer.contains(#""code":"\#(code)""#), "\(answer)")
        }
    }
}

/// DNS rebinding: a page whose host name resolves to 127.0.0.1 must not drive the mock from a browser.
@Suite("Host check")
struct HostCheckTests {
    @Test("a foreign host name is 421 host_not_allowed and reaches no route; loopback names and IP addresses pass")
    func hostNames() async throws {
        try await withServer { server in
            let port = try #require(URL(string: server.url)?.port)
            func ask(_ host: String) async throws -> String {
                try await rawHTTP(
                    port: port,
                    "POST /mock/v1/reset HTTP/1.1\r\nHost: \(host)\r\nAuthorization: Bearer dev-token\r\nConnection: close\r\n\r\n")
            }
            let (_, conversation) = try await server.conversation("rebinding")
            let foreign = try await ask("attacker.example:\(port)")
            #expect(foreign.hasPrefix("HTTP/1.1 421"), "\(foreign.prefix(120))")
            #expect(foreign.contains(#""code":"host_not_allowed""#))
            #expect(try await server.support.conversation(id: conversation.id).id == conversation.id, "the refused reset did nothing")
            for host in ["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)"] {
                let answer = try await ask(host)
                #expect(answer.hasPrefix("HTTP/1.1 2"), "\(host): \(answer.prefix(120))")
            }
        }
    }
}

/// Sockets that say nothing, or stop half-way through their headers, are closed after the idle timeout.
@Suite("Idle connections")
struct IdleConnectionTests {
    @Test("a silent socket and a half-sent header are closed after --idle-timeout; a long poll in progress is not")
    func idleAndHalfSent() async throws {
        let store = try SupportStore(path: nil)
        try await store.apply(.defaultSeed)
        var config = MockConfiguration(port: 0)
        config.idleTimeoutSeconds = 1
        var logger = Logger(label: "test.idle")
        logger.logLevel = .critical
        let mock = try await RunningMock.start(config: config, store: store, logger: logger)
        let port = mock.port
        let clock = ContinuousClock()
        for request in ["", "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "] {
            let started = clock.now
            let answer = try await rawHTTPHeld(port: port, request, timeout: 10)
            #expect(clock.now - started < .seconds(5), "closed after \(clock.now - started)")
            #expect(answer.isEmpty || answer.hasPrefix("HTTP/1.1 4"), "\(answer.prefix(80))")
        }
        // A long poll longer than the idle timeout is a request in progress: it is answered, not cut.
        let poll = try await HTTPTransport(baseURL: mock.url, token: "dev-token").send(.GET, "/v1/events?after=0&wait=2")
        #expect(poll.status == 200)
        await mock.stop()
    }
}
