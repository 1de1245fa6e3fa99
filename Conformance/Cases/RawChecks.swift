import Foundation
import HandoffClient
import NIOHTTP1

/// Checks on raw HTTP answers: the status class and the machine-readable problem body.
enum RawChecks {
    /// Fails unless the answer is a 4xx (optionally exactly `status`) with a JSON body that has a string `code`.
    static func problem(_ exchange: HTTPExchange, status: Int? = nil, code: String? = nil, _ what: String) throws {
        guard let got = exchange.status else { throw CaseFailure("\(what): no response") }
        if let status {
            try checkEqual(got, status, "\(what): status")
        } else {
            try check((400..<500).contains(got), "\(what): got status \(got), want a 4xx")
        }
        let body = (try? JSONSerialization.jsonObject(with: Data(exchange.responseBody.utf8))) as? [String: Any]
        guard let found = body?["code"] as? String, !found.isEmpty else {
            throw CaseFailure("\(what): the body has no machine-readable 'code': \(exchange.responseBody.prefix(200))")
        }
        if let code { try checkEqual(found, code, "\(what): code") }
    }

    static func send(
        _ transport: HTTPTransport, _ method: HTTPMethod, _ path: String, _ body: String? = nil,
        headers: [(String, String)] = []
    ) async throws -> HTTPExchange {
        try await transport.send(method, path, body: body.map { Array($0.utf8) }, headers: headers)
    }
}
