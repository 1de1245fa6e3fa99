import Foundation
import HandoffClient
import HandoffContract
import NIOHTTP1

/// ERR: bad input gets a 4xx with a machine-readable body, never a 5xx, and harms nothing.
enum ErrorCases {
    static let all: [ConformanceCase] = [
        ConformanceCase(
            "ERR-001", .must, .errors, rule: .badInput, "Malformed JSON is answered 400 with a problem body.", needs: [.neutralHTTP]
        ) { ctx in
            let response = try await RawChecks.send(try ctx.raw, .POST, "/v1/users", #"{"externalId": "#)
            try RawChecks.problem(response, status: 400, "malformed JSON")
        },
        ConformanceCase(
            "ERR-002", .must, .errors, rule: .badInput, "A field of the wrong type is answered 4xx with a problem body.",
            needs: [.neutralHTTP]
        ) { ctx in
            let response = try await RawChecks.send(try ctx.raw, .POST, "/v1/users", #"{"externalId": 42}"#)
            try RawChecks.problem(response, "externalId as a number")
        },
        ConformanceCase(
            "ERR-003", .must, .errors, rule: .badInput, "A missing required field is answered 4xx with a problem body.",
            needs: [.neutralHTTP]
        ) { ctx in
            let response = try await RawChecks.send(try ctx.raw, .POST, "/v1/users", #"{"name": "no id"}"#)
            try RawChecks.problem(response, "user without externalId")
        },
        ConformanceCase("ERR-004", .must, .errors, rule: .badInput, "An oversized body is answered 413.", needs: [.neutralHTTP]) { ctx in
            let big = #"{"externalId":""# + String(repeating: "x", count: 2_000_000) + #""}"#
            let response = try await RawChecks.send(try ctx.raw, .POST, "/v1/users", big)
            try checkEqual(response.status, 413, "status for a 2 MB body")
        },
        ConformanceCase(
            "ERR-005", .must, .errors, rule: .badInput, "An unknown route is answered 404 with a problem body.", needs: [.neutralHTTP]
        ) { ctx in
            let response = try await RawChecks.send(try ctx.raw, .GET, "/v1/no-such-route-\(UUID().uuidString)")
            try RawChecks.problem(response, status: 404, "unknown route")
        },
        ConformanceCase(
            "ERR-006", .should, .errors, rule: .badInput, "A wrong method on a known route is answered 405.", needs: [.neutralHTTP]
        ) { ctx in
            let response = try await RawChecks.send(try ctx.raw, .DELETE, "/v1/teams")
            try RawChecks.problem(response, status: 405, "DELETE /v1/teams")
        },
        ConformanceCase(
            "ERR-007", .must, .errors, rule: .badInput, "An unknown conversation id is answered 404 with a problem body.",
            needs: [.neutralHTTP]
        ) { ctx in
            let response = try await RawChecks.send(try ctx.raw, .GET, "/v1/conversations/cnv_999999999")
            try RawChecks.problem(response, status: 404, "unknown conversation")
        },
        ConformanceCase("ERR-008", .must, .errors, rule: .badInput, "A malformed query parameter is answered 400.", needs: [.neutralHTTP]) {
            ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let response = try await RawChecks.send(try ctx.raw, .GET, "/v1/conversations/\(conversation.id)/messages?after=minus-one")
            try RawChecks.problem(response, status: 400, "after=minus-one")
        },
        ConformanceCase(
            "ERR-009", .must, .errors, rule: .badInput, "Problems are served as application/problem+json with a stable code.",
            needs: [.neutralHTTP]
        ) { ctx in
            let response = try await RawChecks.send(try ctx.raw, .GET, "/v1/conversations/cnv_999999999")
            try checkEqual(response.headers["content-type"], "application/problem+json", "content type")
            try RawChecks.problem(response, status: 404, code: "not_found", "unknown conversation")
        },
        ConformanceCase(
            "ERR-010", .must, .errors, rule: .badInput, "A message to a closed conversation is answered 409.", needs: [.neutralHTTP]
        ) { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            _ = try await ctx.support.close(conversation.id)
            let response = try await RawChecks.send(
                try ctx.raw, .POST, "/v1/conversations/\(conversation.id)/messages", #"{"author":"user","text":"late"}"#)
            try RawChecks.problem(response, status: 409, code: "conversation_closed", "message after close")
        },
        ConformanceCase("ERR-011", .must, .errors, rule: .badInput, "Bad input harms nothing already stored.", needs: [.neutralHTTP]) {
            ctx in
            let (_, conversation) = try await ctx.freshConversation()
            _ = try await ctx.support.post(.init(author: .user, text: "kept"), to: conversation.id)
            let path = "/v1/conversations/\(conversation.id)/messages"
            for body in [#"{"author":"user""#, #"{"author":"robot","text":"x"}"#, #"{"author":"user","text":7}"#, "[]", "null"] {
                let response = try await RawChecks.send(try ctx.raw, .POST, path, body)
                try RawChecks.problem(response, "message body \(body)")
            }
            let listed = try await ctx.support.messages(in: conversation.id, after: nil, limit: nil)
            try checkEqual(listed.map(\.text), ["kept"], "messages after bad input")
            try checkEqual(try await ctx.support.conversation(id: conversation.id).state, .bot, "state after bad input")
        },
        ConformanceCase(
            "ERR-012", .should, .errors, rule: .badInput, "An unknown enum value is answered 422 naming the field.", needs: [.neutralHTTP]
        ) { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let response = try await RawChecks.send(
                try ctx.raw, .POST, "/v1/conversations/\(conversation.id)/messages", #"{"author":"robot","text":"x"}"#)
            try RawChecks.problem(response, status: 422, "author robot")
        },
        ConformanceCase(
            "ERR-013", .must, .errors, rule: .badInput, "A body that is not JSON is answered 4xx, not 5xx.", needs: [.neutralHTTP]
        ) { ctx in
            let response = try await RawChecks.send(
                try ctx.raw, .POST, "/v1/users", "externalId=1", headers: [("Content-Type", "text/plain")])
            try RawChecks.problem(response, "a form body")
        },
        ConformanceCase("ERR-014", .must, .errors, rule: .badInput, "A transfer that names no team is answered 4xx.", needs: [.neutralHTTP])
        { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let response = try await RawChecks.send(try ctx.raw, .POST, "/v1/conversations/\(conversation.id)/transfer", "{}")
            try RawChecks.problem(response, "transfer without a team")
            try checkEqual(try await ctx.support.conversation(id: conversation.id).state, .bot, "state after the bad transfer")
        },
        ConformanceCase("ERR-015", .must, .errors, rule: .badInput, "An empty text is refused with 4xx.", needs: [.neutralHTTP]) { ctx in
            let (_, conversation) = try await ctx.freshConversation()
            let response = try await RawChecks.send(
                try ctx.raw, .POST, "/v1/conversations/\(conversation.id)/messages", #"{"author":"user","text":""}"#)
            try RawChecks.problem(response, "empty text")
        },
    ]
}
