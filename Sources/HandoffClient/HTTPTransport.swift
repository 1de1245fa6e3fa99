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
    public var headers: [String: String] = [:]
    /// The response body as text.
    public var responseBody: String

    /// Creates an exchange (the verifier makes them from journal entries, to show its evidence).
    public init(
        method: String, path: String, requestBody: String?, status: Int?, headers: [String: String] = [:], responseBody: String
    ) {
        self.method = method
        self.path = path
        self.requestBody = requestBody
        self.status = status
        self.headers = headers
        self.responseBody = responseBody
    }
}

/// A failed call: the server answered with a non-2xx status, or did not answer.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// The exchange that failed.
    public var exchange: HTTPExchange
    /// The problem's stable `code`, when the body is problem+json.
    public var code: String?
    /// The problem's `detail`, when there is one.
    public var detail: String?

    /// One line for people.
    public var description: String {
        let status = exchange.status.map(String.init) ?? "no response"
        return "\(exchange.method) \(exchange.path) → \(status)\(code.map { " \($0)" } ?? "")\(detail.map { ": \($0)" } ?? "")"
    }
}

/// JSON over HTTP with a bearer token: the plumbing every binding shares.
public struct HTTPTransport: Sendable {
    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:3000`.
    public var baseURL: String
    /// Bearer token sent on every request; nil sends none.
    public var token: String?
    /// Seconds allowed for one request.
    public var timeout: Int64
    /// Called with every exchange, answered or not (the suite keeps them for its reports).
    public var observer: (@Sendable (HTTPExchange) -> Void)?
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
        baseURL: String, token: String?, timeout: Int64 = 35, client: HTTPClient = .shared,
        observer: (@Sendable (HTTPExchange) -> Void)? = nil
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.timeout = timeout
        self.client = client
        self.observer = observer
    }

    /// Sends raw bytes and returns the exchange, whatever the status.
    public func send(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, headers: [(String, String)] = []
    ) async throws -> HTTPExchange {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
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
