import Foundation
import HandoffContract

/// Chatwoot's error answers (as Chatwoot's Rails controllers send them) mapped onto the contract's codes, in one place.
///
/// | status | Chatwoot body | code |
/// | --- | --- | --- |
/// | 401 | `{"error":"Invalid Access Token"}` | `invalid_token` |
/// | 401 | `{"error":"Access to this endpoint is not authorized for bots"}` | `bot_not_allowed` |
/// | 401 | `{"error":"You are not authorized to …"}`, `{"error":"Bot is not authorized …"}` | `forbidden` |
/// | 401 | `{"errors":["You need to sign in …"]}` and any other 401 | `unauthorized` |
/// | 403 | any | `forbidden` |
/// | 404 | `{"error":"Resource could not be found"}` | `not_found` |
/// | 422 | `{"error":…}`, `{"message":…,"attributes":[…]}` | `validation_failed` |
/// | 429 | `Retry later` | `rate_limited` |
/// | other 4xx | any | `http_<status>` |
/// | 5xx, no answer | any | none |
enum ChatwootErrors {
    /// Throws the mapped ``ClientError`` unless the exchange has a 2xx status.
    static func check(_ exchange: HTTPExchange) throws {
        guard let status = exchange.status, (200..<300).contains(status) else { throw clientError(exchange) }
    }

    /// The error for a failed exchange.
    static func clientError(_ exchange: HTTPExchange) -> ClientError {
        let (code, detail) = classify(status: exchange.status, body: exchange.responseBody)
        return ClientError(exchange: exchange, code: code, detail: detail)
    }

    /// The contract code and the sentence of a Chatwoot error answer.
    static func classify(status: Int?, body: String) -> (code: String?, detail: String?) {
        let detail = detail(of: body)
        guard let status else { return (nil, detail) }
        let text = detail ?? ""
        switch status {
        case 401:
            if text == "Invalid Access Token" { return ("invalid_token", detail) }
            if text.contains("not authorized for bots") { return ("bot_not_allowed", detail) }
            if text.hasPrefix("You are not authorized") || text.hasPrefix("Bot is not authorized")
                || text == "Account is suspended"
            {
                return ("forbidden", detail)
            }
            return ("unauthorized", detail)
        case 403: return ("forbidden", detail)
        case 404: return ("not_found", detail)
        case 422: return ("validation_failed", detail)
        case 429: return ("rate_limited", detail)
        case 400..<500: return ("http_\(status)", detail)
        default: return (nil, detail)
        }
    }

    /// The sentence in a Chatwoot error body: `error`, `message` (with its `attributes`), or `errors`.
    static func detail(of body: String) -> String? {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)),
            case .object(let fields) = value
        else {
            let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : String(trimmed.prefix(200))
        }
        if let error = fields["error"]?.stringValue { return error }
        if let message = fields["message"]?.stringValue {
            if case .array(let attributes)? = fields["attributes"], !attributes.isEmpty {
                return "\(message) (\(attributes.compactMap(\.stringValue).joined(separator: ", ")))"
            }
            return message
        }
        if case .array(let errors)? = fields["errors"] {
            return errors.compactMap(\.stringValue).joined(separator: "; ")
        }
        return nil
    }
}
