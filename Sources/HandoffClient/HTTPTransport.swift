import AsyncHTTPClient
import Foundation
import HandoffContract
import NIOCore
import NIOHTTP1

/// One HTTP exchange, kept so a failure can show the request and the response that broke it.
public struct HTTPExchange: Sendable, Hashable {
    /// Method, e.g. `POST`.
    public var method: String
    /// Path and query, e.g. `/v1/users`.
    public var path: String
    /// The request body as text, if any.
    public var requestBody: String?
    /// The response status; nil when no response came.
    public var status: Int?
    /// Response headers, names in lower case (repeated headers joined with ", ").
    public var headers: [String: String]
    /// The response body as text.
    public var responseBody: String

    /// Creates an exchange value.
    public init(
        method: String, path: String, requestBody: String? = nil, status: Int?, headers: [String: String] = [:],
        responseBody: String
    ) {
        self.method = method
        self.path = path
        self.requestBody = requestBody
        self.status = status
        self.headers = headers
        self.responseBody = responseBody
    }
}

/// A failed call: the server answered with a non-2xx status, or did not answer, or the binding
/// refused it before sending because the target's API cannot refuse it itself.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// The exchange that failed; for a refusal by the binding, the request that was not sent (no status).
    public var exchange: HTTPExchange
    /// The stable contract `code` (`not_found`, `bot_silenced`…): from a problem+json body, from the
    /// binding's mapping of the target's own error bodies, or from the binding's own refusal.
    public var code: String?
    /// The problem's `detail`, when there is one.
    public var detail: String?
    /// True when the binding refused the call before sending it, keeping a contract rule the target
    /// leaves to its clients (Chatwoot does not silence a bot after a handoff, for one).
    public var refusedByBinding: Bool

    /// Creates an error value.
    public init(exchange: HTTPExchange, code: String?, detail: String?, refusedByBinding: Bool = false) {
        self.exchange = exchange
        self.code = code
        self.detail = detail
        self.refusedByBinding = refusedByBinding
    }

    /// A refusal by the binding: `method path` was not sent because it would break a contract rule.
    public static func refused(
        _ error: ContractError, method: String, path: String, requestBody: String? = nil
    ) -> ClientError {
        ClientError(
            exchange: HTTPExchange(
                method: method, path: path, requestBody: requestBody, status: nil,
                responseBody: "(not sent: refused by the binding, \(error.code))"),
            code: error.code, detail: error.detail, refusedByBinding: true)
    }

    /// One line for people.
    public var description: String {
        let status = refusedByBinding ? "refused by the binding" : exchange.status.map(String.init) ?? "no response"
        return "\(exchange.method) \(exchange.path) → \(status)\(code.map { " \($0)" } ?? "")\(detail.map { ": \($0)" } ?? "")"
    }
}

/// Where a transport puts its token.
public enum TokenPlacement: Sendable, Hashable {
    /// `Authorization: Bearer <token>` (the neutral API).
    case bearer
    /// A header of its own holding the bare token, e.g. Chatwoot's `api_access_token`.
    case header(String)
}

/// JSON over HTTP with a bearer token: the plumbing every binding shares.
public struct HTTPTransport: Sendable {
    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:3000`.
    public var baseURL: String
    /// Token sent on every request; nil sends none.
    public var token: String?
    /// Where the token goes. Default `Authorization: Bearer`.
    public var tokenPlacement: TokenPlacement
    /// Seconds allowed for one request.
    public var timeout: Int64
    /// Called with every exchange, answered or not (the suite keeps them for its reports).
    public var observer: (@Sendable (HTTPExchange) -> Void)?
    /// Retries of 429, 5xx and transport failures; nil (the default) sends each request once, as the
    /// conformance suite must, to see the target's raw behaviour.
    public var retry: RetryPolicy?
    /// The jitter generator of `retry`, shared by copies of this transport.
    var jitter: Jitter
    let client: HTTPClient

    /// The encoder for the wire format (ISO 8601 dates, sorted keys).
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    /// The decoder for the wire format (ISO 8601 dates).
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// Creates a transport on the shared HTTP client.
    public init(
        baseURL: String, token: String?, tokenPlacement: TokenPlacement = .bearer, timeout: Int64 = 35,
        client: HTTPClient = .shared, observer: (@Sendable (HTTPExchange) -> Void)? = nil
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.tokenPlacement = tokenPlacement
        self.timeout = timeout
        self.client = client
        self.observer = observer
        self.retry = nil
        self.jitter = Jitter(seed: nil)
    }

    /// This transport with retries.
    public func retrying(_ policy: RetryPolicy) -> HTTPTransport {
        var copy = self
        copy.retry = policy
        copy.jitter = Jitter(seed: policy.seed)
        return copy
    }

    /// Sends raw bytes and returns the exchange, whatever the status; with a ``RetryPolicy``, a 429,
    /// a 5xx or a transport failure is tried again after the policy's wait.
    public func send(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, headers: [(String, String)] = []
    ) async throws -> HTTPExchange {
        guard let retry else { return try await sendOnce(method, path, body: body, headers: headers) }
        var attempt = 1
        while true {
            let result: Result<HTTPExchange, any Error>
            do {
                result = .success(try await sendOnce(method, path, body: body, headers: headers))
            } catch {
                result = .failure(error)
            }
            let status = try? result.get().status
            let retryable = RetryPolicy.isRetryable(status: status ?? nil)
            if !retryable || attempt >= retry.maxAttempts { return try result.get() }
            let retryAfter = try? result.get().headers["retry-after"]
            let wait = retry.delay(afterAttempt: attempt, retryAfter: retryAfter ?? nil, jitter: jitter.next())
            try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            attempt += 1
        }
    }

    private func sendOnce(
        _ method: HTTPMethod, _ path: String, body: [UInt8]?, headers: [(String, String)]
    ) async throws -> HTTPExchange {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token {
            switch tokenPlacement {
            case .bearer: request.headers.add(name: "Authorization", value: "Bearer \(token)")
            case .header(let name): request.headers.add(name: name, value: token)
            }
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let requestText = body.map { String(decoding: $0, as: UTF8.self) }
        do {
            let response = try await client.execute(request, timeout: .seconds(timeout))
            let buffer = try await response.body.collect(upTo: 16 << 20)
            var headers: [String: String] = [:]
            for (name, value) in response.headers {
                let key = name.lowercased()
                headers[key] = headers[key].map { "\($0), \(value)" } ?? value
            }
            let exchange = HTTPExchange(
                method: method.rawValue, path: path, requestBody: requestText, status: Int(response.status.code),
                headers: headers, responseBody: String(buffer: buffer))
            observer?(exchange)
            return exchange
        } catch {
            let exchange = HTTPExchange(
                method: method.rawValue, path: path, requestBody: requestText, status: nil,
                responseBody: String(describing: error))
            observer?(exchange)
            throw ClientError(exchange: exchange, code: nil, detail: "no response: \(error)")
        }
    }

    /// Sends an encodable body (or none) and decodes a 2xx answer; a non-2xx throws ``ClientError``.
    public func call<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, body: (some Encodable)? = nil as String?,
        headers: [(String, String)] = [], as type: Response.Type = Response.self
    ) async throws -> Response {
        let bytes = try body.map { Array(try Self.encoder.encode($0)) }
        let exchange = try await send(method, path, body: bytes, headers: headers)
        try Self.check(exchange)
        do {
            return try Self.decoder.decode(Response.self, from: Data(exchange.responseBody.utf8))
        } catch {
            throw ClientError(exchange: exchange, code: "unreadable_response", detail: "\(error)")
        }
    }

    /// Throws ``ClientError`` unless the exchange has a 2xx status.
    public static func check(_ exchange: HTTPExchange) throws {
        guard let status = exchange.status, (200..<300).contains(status) else {
            let problem = try? decoder.decode(ProblemBody.self, from: Data(exchange.responseBody.utf8))
            throw ClientError(exchange: exchange, code: problem?.code, detail: problem?.detail)
        }
    }

    struct ProblemBody: Decodable {
        var code: String?
        var detail: String?
    }
}

/// A body that encodes as nothing; for POSTs without a body.
struct Empty: Codable {}

/// Percent-encodes a query value.
func query(_ value: String) -> String {
    value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
}
