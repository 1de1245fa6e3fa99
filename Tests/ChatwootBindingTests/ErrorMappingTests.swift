import Testing

@testable import HandoffClient

@Suite("Chatwoot error bodies → contract codes, in one place")
struct ErrorMappingTests {
    @Test(
        "status and body give the code and the sentence",
        arguments: [
            (401, #"{"error":"Invalid Access Token"}"#, "invalid_token", "Invalid Access Token"),
            (
                401, #"{"error":"Access to this endpoint is not authorized for bots"}"#, "bot_not_allowed",
                "Access to this endpoint is not authorized for bots"
            ),
            (401, #"{"error":"You are not authorized to do this action"}"#, "forbidden", "You are not authorized to do this action"),
            (
                401, #"{"error":"You are not authorized to access this account"}"#, "forbidden",
                "You are not authorized to access this account"
            ),
            (
                401, #"{"error":"Bot is not authorized to access this account"}"#, "forbidden",
                "Bot is not authorized to access this account"
            ),
            (
                401, #"{"errors":["You need to sign in or sign up before continuing."]}"#, "unauthorized",
                "You need to sign in or sign up before continuing."
            ),
            (
                403, #"{"error":"Message status update is only allowed for API inboxes"}"#, "forbidden",
                "Message status update is only allowed for API inboxes"
            ),
            (404, #"{"error":"Resource could not be found"}"#, "not_found", "Resource could not be found"),
            (404, "", "not_found", nil),
            (
                422, #"{"message":"Identifier has already been taken","attributes":["identifier"]}"#, "validation_failed",
                "Identifier has already been taken (identifier)"
            ),
            (
                422, #"{"error":"param is missing or the value is empty: content"}"#, "validation_failed",
                "param is missing or the value is empty: content"
            ),
            (422, #"{"error":"source_id should be unique"}"#, "validation_failed", "source_id should be unique"),
            (429, "Retry later", "rate_limited", "Retry later"),
            (402, #"{"error":"limit"}"#, "http_402", "limit"),
            (500, "<html>boom</html>", nil, "<html>boom</html>"),
        ] as [(Int, String, String?, String?)])
    func classify(status: Int, body: String, code: String?, detail: String?) {
        let result = ChatwootErrors.classify(status: status, body: body)
        #expect(result.code == code)
        #expect(result.detail == detail)
    }

    @Test("a 2xx passes; anything else throws a ClientError carrying the exchange")
    func check() throws {
        try ChatwootErrors.check(HTTPExchange(method: "GET", path: "/x", status: 200, responseBody: "{}"))
        let failed = HTTPExchange(
            method: "GET", path: "/api/v1/accounts/1/conversations/9", status: 404,
            responseBody: #"{"error":"Resource could not be found"}"#)
        #expect {
            try ChatwootErrors.check(failed)
        } throws: { error in
            guard let error = error as? ClientError else { return false }
            return error.code == "not_found" && error.exchange == failed && !error.refusedByBinding
        }
    }

    @Test("a refusal by the binding names the rule's code and says nothing was sent")
    func refusal() {
        let error = ClientError.refused(.botSilenced, method: "POST", path: "/api/v1/accounts/1/conversations/3/messages")
        #expect(error.refusedByBinding)
        #expect(error.code == "bot_silenced")
        #expect(error.exchange.status == nil)
        #expect(error.description.contains("refused by the binding"))
    }
}
