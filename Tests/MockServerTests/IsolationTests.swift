import Foundation
import HandoffClient
import HandoffContract
import NIOHTTP1
import Testing

@Suite("Workspace isolation")
struct IsolationTests {
    struct Created: Decodable {
        var token: String
    }

    @Test("another workspace's ids read as not found, on every route that takes an id")
    func crossWorkspace() async throws {
        try await withServer { server in
            let (user, conversation) = try await server.conversation()
            let team = try await server.support.teams()[0]
            let other: Created = try await server.http(token: nil).call(.POST, "/mock/v1/workspaces", body: ["name": "other"])
            let intruder = server.http(token: other.token)
            let probes: [(HTTPMethod, String, String?)] = [
                (.GET, "/v1/users/\(user.id)", nil),
                (.GET, "/v1/conversations/\(conversation.id)", nil),
                (.GET, "/v1/conversations/\(conversation.id)/messages", nil),
                (.POST, "/v1/conversations/\(conversation.id)/messages", #"{"author":"user","text":"x"}"#),
                (.POST, "/v1/conversations/\(conversation.id)/transfer", #"{"teamId":"\#(team.id)"}"#),
                (.POST, "/v1/conversations/\(conversation.id)/close", nil),
                (.GET, "/v1/teams/\(team.id)", nil),
                (.POST, "/v1/conversations", #"{"userId":"\#(user.id)"}"#),
                (.POST, "/mock/v1/conversations/\(conversation.id)/accept", nil),
                (.POST, "/mock/v1/conversations/\(conversation.id)/reply", #"{"text":"x"}"#),
                (.POST, "/mock/v1/conversations/\(conversation.id)/note", #"{"text":"x"}"#),
                (.POST, "/mock/v1/conversations/\(conversation.id)/resolve", nil),
                (.PUT, "/mock/v1/teams/\(team.id)/availability", #"{"online":false}"#),
                (.POST, "/mock/v1/teams/\(team.id)/agents", #"{"name":"x"}"#),
            ]
            for (method, path, body) in probes {
                let response = try await intruder.send(method, path, body: body.map { Array($0.utf8) })
                #expect(response.status == 404, "\(method) \(path) → \(response.status ?? 0)")
                #expect(json(response)["code"] as? String == "not_found", "\(method) \(path)")
            }
            let lookup = try await intruder.send(.GET, "/v1/users?externalId=\(user.externalId)")
            #expect((json(lookup)["data"] as? [Any])?.isEmpty == true)
            #expect(try await server.support.conversation(id: conversation.id).state == .bot)
            #expect(try await server.support.teams()[0].availability.available)
        }
    }

    @Test("a new workspace has its own teams and a reset forgets conversations but keeps teams")
    func resetWorkspace() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation()
            let reset = try await server.http().send(.POST, "/mock/v1/reset", text: "")
            #expect(reset.status == 204)
            let gone = try await server.http().send(.GET, "/v1/conversations/\(conversation.id)")
            #expect(gone.status == 404)
            #expect(try await server.support.teams().count == 3)
            let duplicate = try await server.http(token: nil).send(.POST, "/mock/v1/workspaces", text: #"{"name":"default"}"#)
            #expect(duplicate.status == 409)
            #expect(json(duplicate)["code"] as? String == "already_exists")
        }
    }
}
