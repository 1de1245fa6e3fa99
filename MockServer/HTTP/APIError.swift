import Foundation
import HTTPTypes
import HandoffContract
import Hummingbird

/// An error of the neutral API and the control API, rendered as `application/problem+json`
/// (RFC 9457) with a stable `code`. Every failure reaches the client through this one type.
public struct APIError: Error, Sendable, HTTPResponseError {
    /// HTTP status.
    public var status: HTTPResponse.Status
    /// Stable machine-readable code, e.g. `bot_silenced`.
    public var code: String
    /// Short summary of the problem type.
    public var title: String
    /// What went wrong in this request, for people.
    public var detail: String
    /// Extra members of the problem body (e.g. `team` for `team_unavailable`).
    public var extra: [String: JSONValue]
    /// Extra headers (e.g. `Allow`, `WWW-Authenticate`).
    public var headers: HTTPFields

    /// Creates an error.
    public init(
        _ status: HTTPResponse.Status, code: String, detail: String, extra: [String: JSONValue] = [:],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.title = status.reasonPhrase.isEmpty ? Self.title(for: status.code) : status.reasonPhrase
        self.detail = detail
        self.extra = extra
        self.headers = headers
    }

    /// The standard reason phrase of a status (statuses built from a bare code have none).
    static func title(for code: Int) -> String {
        switch code {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        default: "HTTP \(code)"
        }
    }

    /// 401 with a `WWW-Authenticate` challenge.
    static func unauthorized(_ detail: String, code: String = "unauthorized") -> APIError {
        APIError(
            .unauthorized, code: code, detail: detail,
            headers: [.wwwAuthenticate: "Bearer realm=\"handoff\""])
    }

    /// 400 for a bad query parameter.
    static func badParameter(_ name: String, _ reason: String) -> APIError {
        APIError(.badRequest, code: "invalid_parameter", detail: "\(name): \(reason)", extra: ["parameter": .string(name)])
    }

    /// 422 for a bad field of the body.
    static func invalidField(_ field: String, _ reason: String) -> APIError {
        APIError(.unprocessableContent, code: "validation_failed", detail: "\(field): \(reason)", extra: ["field": .string(field)])
    }

    /// The body, as JSON.
    var body: [String: JSONValue] {
        var body = extra
        body["type"] = .string("urn:handoffkit:problem:\(code)")
        body["title"] = .string(title)
        body["status"] = .number(Double(status.code))
        body["detail"] = .string(detail)
        body["code"] = .string(code)
        return body
    }

    /// Renders the problem document.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/problem+json"
        let data = (try? Rows.encoder.encode(body)) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension APIError {
    /// The wire form of a contract rule broken.
    init(_ error: ContractError) {
        var extra: [String: JSONValue] = [:]
        switch error {
        case .teamUnavailable(let teamId, let teamName, let reason):
            extra = [
                "outcome": "team_unavailable", "reason": .string(reason),
                "team": .object(["id": .string(teamId), "name": .string(teamName)]),
            ]
        case .validation(let field, _):
            extra = ["field": .string(field)]
        case .invalidTransition(let from, let transition):
            extra = ["state": .string(from.rawValue), "transition": .string(transition.rawValue)]
        default:
            break
        }
        self.init(
            HTTPResponse.Status(code: error.httpStatus), code: error.code, detail: error.detail, extra: extra)
    }
}
