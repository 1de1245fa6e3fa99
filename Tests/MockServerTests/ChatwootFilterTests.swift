import Foundation
import HandoffClient
import NIOHTTP1
import Testing

/// `POST conversations/filter`, `GET conversations/meta` and `contact_inboxes` in contact lists, over real HTTP.
@Suite("Chatwoot filter and meta")
struct ChatwootFilterTests {
    typealias Chatwoot = ChatwootFaceTests.Chatwoot

    /// One filter condition as Chatwoot's clients send it.
    static func condition(_ key: String, _ op: String, _ values: [Any] = [], _ join: String? = "and") -> [String: Any] {
        ["attribute_key": key, "filter_operator": op, "values": values, "query_operator": join ?? NSNull()]
    }

    static func filter(_ chatwoot: Chatwoot, _ conditions: [[String: Any]], page: Int = 1) async throws -> (Int, [String: Any]) {
        let data = try JSONSerialization.data(withJSONObject: ["payload": conditions])
        let (status, body) = try await chatwoot.call(.POST, "/conversations/filter?page=\(page)", String(decoding: data, as: UTF8.self))
        return (status, body as? [String: Any] ?? [:])
    }

    static func ids(_ body: [String: Any]) -> [Int] {
        (body["payload"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }

    /// A conversation of `contact` in the bot inbox (pending), made open by the administrator when asked.
    static func conversation(_ admin: Chatwoot, contact: Int, open: Bool) async throws -> Int {
        let (_, created) = try await admin.call(.POST, "/conversations", #"{"inbox_id":1,"contact_id":\#(contact)}"#)
        let number = try #require((created as? [String: Any])?["id"] as? Int)
        if open { _ = try await admin.call(.POST, "/conversations/\(number)/toggle_status", #"{"status":"open"}"#) }
        return number
    }

    @Test("filter by status and contact_id finds a contact's open conversation, in Chatwoot's {meta, payload} shape")
    func contactsOpenConversation() async throws {
        try await withServer { server in
            let admin = Chatwoot(server, token: "dev-token")
            let ada = try await ChatwootFaceTests.contact(admin)
            let bob = try await ChatwootFaceTests.contact(admin)
            _ = try await Self.conversation(admin, contact: ada.id, open: false)
            let open = try await Self.conversation(admin, contact: ada.id, open: true)
            _ = try await Self.conversation(admin, contact: bob.id, open: true)
            let (status, body) = try await Self.filter(
                admin, [Self.condition("status", "equal_to", ["open"]), Self.condition("contact_id", "equal_to", [ada.id], nil)])
            #expect(status == 200)
            #expect(Self.ids(body) == [open])
            let meta = try #require(body["meta"] as? [String: Any])
            #expect(meta["all_count"] as? Int == 1 && meta["unassigned_count"] as? Int == 1 && meta["mine_count"] as? Int == 0)
            #expect(body["data"] == nil)
            let first = try #require((body["payload"] as? [[String: Any]])?.first)
            #expect(first["status"] as? String == "open" && first["inbox_id"] as? Int == 1)
            #expect(((first["meta"] as? [String: Any])?["sender"] as? [String: Any])?["id"] as? Int == ada.id)
            // The same question with the id as a string, as some clients send it.
            let (_, again) = try await Self.filter(
                admin, [Self.condition("contact_id", "equal_to", ["\(ada.id)"]), Self.condition("status", "equal_to", ["open"], nil)])
            #expect(Self.ids(again) == [open])
        }
    }

    @Test("keys and operators: assignee, team, inbox, display_id, labels, custom attributes; AND binds tighter than OR")
    func keysAndOperators() async throws {
        try await withServer { server in
            let admin = Chatwoot(server, token: "dev-token")
            let agent = Chatwoot(server, token: "agent-token")
            let contact = try await ChatwootFaceTests.contact(admin)
            let pending = try await Self.conversation(admin, contact: contact.id, open: false)
            let teamOnly = try await Self.conversation(admin, contact: contact.id, open: true)
            _ = try await admin.call(.POST, "/conversations/\(teamOnly)/assignments", #"{"team_id":2}"#)
            let mine = try await Self.conversation(admin, contact: contact.id, open: false)
            _ = try await agent.call(.POST, "/conversations/\(mine)/toggle_status", #"{"status":"open"}"#)
            _ = try await admin.call(.POST, "/conversations/\(mine)/labels", #"{"labels":["vip"]}"#)
            _ = try await admin.call(.POST, "/conversations/\(mine)/custom_attributes", #"{"custom_attributes":{"plan":"Gold"}}"#)

            func ids(_ conditions: [[String: Any]], as chatwoot: Chatwoot? = nil) async throws -> Set<Int> {
                let (status, body) = try await Self.filter(chatwoot ?? admin, conditions)
                #expect(status == 200, "\(conditions)")
                return Set(Self.ids(body))
            }
            #expect(try await ids([Self.condition("assignee_id", "is_present")]) == [mine])
            #expect(
                try await ids([Self.condition("assignee_id", "is_not_present"), Self.condition("status", "equal_to", ["open"])])
                    == [teamOnly])
            #expect(try await ids([Self.condition("team_id", "equal_to", [2])]) == [teamOnly])
            #expect(try await ids([Self.condition("inbox_id", "equal_to", [1])]) == [pending, teamOnly, mine])
            #expect(try await ids([Self.condition("display_id", "equal_to", [pending])]) == [pending])
            #expect(try await ids([Self.condition("display_id", "not_equal_to", [pending])]) == [teamOnly, mine])
            #expect(try await ids([Self.condition("labels", "equal_to", ["vip"])]) == [mine])
            #expect(try await ids([Self.condition("labels", "not_equal_to", ["vip"])]) == [pending, teamOnly])
            #expect(try await ids([Self.condition("plan", "equal_to", ["gold"])]) == [mine])
            #expect(try await ids([Self.condition("plan", "not_equal_to", ["gold"])]) == [pending, teamOnly])
            #expect(try await ids([Self.condition("plan", "contains", ["OL"])]) == [mine])
            #expect(try await ids([Self.condition("plan", "is_not_present")]) == [pending, teamOnly])
            #expect(try await ids([Self.condition("status", "equal_to", ["all"])]) == [pending, teamOnly, mine])
            #expect(try await ids([Self.condition("status", "not_equal_to", ["pending"])]) == [teamOnly, mine])
            // Chatwoot joins the conditions into one SQL expression: pending OR (open AND assigned).
            let mixed = [
                Self.condition("status", "equal_to", ["pending"], "OR"), Self.condition("status", "equal_to", ["open"], "AND"),
                Self.condition("assignee_id", "is_present", [], nil),
            ]
            #expect(try await ids(mixed) == [pending, mine])
            let (_, counted) = try await Self.filter(agent, [Self.condition("status", "equal_to", ["open"], nil)])
            let meta = counted["meta"] as? [String: Any]
            #expect(meta?["mine_count"] as? Int == 1 && meta?["unassigned_count"] as? Int == 1 && meta?["all_count"] as? Int == 2)
        }
    }

    @Test("an unknown key, a wrong operator, query operator or value answer 422 with Chatwoot's error body")
    func invalidFilters() async throws {
        try await withServer { server in
            let admin = Chatwoot(server, token: "dev-token")
            let cases: [([String: Any], String)] = [
                (Self.condition("nope", "equal_to", ["x"]), "Invalid attribute key - [nope]. The key should be one of [status,"),
                (
                    Self.condition("status", "contains", ["open"]),
                    "Invalid operator. The allowed operators for status are [equal_to,not_equal_to]."
                ),
                (Self.condition("status", "equal_to", ["open"], "XOR"), #"Query operator must be either "AND" or "OR"."#),
                (Self.condition("status", "equal_to", []), "Invalid value. The values provided for status are invalid"),
                (Self.condition("assignee_id", "equal_to", ["abc"]), "Invalid value. The values provided for assignee_id are invalid"),
            ]
            for (condition, message) in cases {
                let (status, body) = try await Self.filter(admin, [condition])
                #expect(status == 422, "\(condition)")
                #expect((body["error"] as? String)?.hasPrefix(message) == true, "\(body)")
                #expect(body.count == 1)
            }
            let (bot, _) = try await Self.filter(Chatwoot(server, token: "bot-token"), [Self.condition("status", "equal_to", ["open"])])
            #expect(bot == 401)
        }
    }

    @Test("filter pages 25 at a time, newest activity first")
    func filterPages() async throws {
        try await withServer { server in
            let admin = Chatwoot(server, token: "dev-token")
            let contact = try await ChatwootFaceTests.contact(admin)
            var numbers: [Int] = []
            for _ in 0..<27 { numbers.append(try await Self.conversation(admin, contact: contact.id, open: false)) }
            _ = try await admin.call(.POST, "/conversations/\(numbers[0])/toggle_priority", #"{"priority":"high"}"#)
            let all = [Self.condition("status", "equal_to", ["all"], nil)]
            let (_, first) = try await Self.filter(admin, all)
            let (_, second) = try await Self.filter(admin, all, page: 2)
            #expect(Self.ids(first).count == 25 && Self.ids(second).count == 2)
            #expect(Self.ids(first).first == numbers[0])
            #expect(Set(Self.ids(first) + Self.ids(second)) == Set(numbers))
            #expect((first["meta"] as? [String: Any])?["all_count"] as? Int == 27)
        }
    }

    @Test("meta answers the list's four counts for the same status, inbox and team; bots get 401, agents their own mine_count")
    func meta() async throws {
        try await withServer { server in
            let admin = Chatwoot(server, token: "dev-token")
            let agent = Chatwoot(server, token: "agent-token")
            let contact = try await ChatwootFaceTests.contact(admin)
            _ = try await Self.conversation(admin, contact: contact.id, open: false)
            let open = try await Self.conversation(admin, contact: contact.id, open: true)
            _ = try await admin.call(.POST, "/conversations/\(open)/assignments", #"{"team_id":2}"#)
            let mine = try await Self.conversation(admin, contact: contact.id, open: false)
            _ = try await agent.call(.POST, "/conversations/\(mine)/toggle_status", #"{"status":"open"}"#)
            for query in ["", "?status=all", "?status=open&inbox_id=1", "?status=all&team_id=2", "?status=pending"] {
                for chatwoot in [admin, agent] {
                    let (status, body) = try await chatwoot.call(.GET, "/conversations/meta\(query)")
                    #expect(status == 200)
                    let meta = try #require((body as? [String: Any])?["meta"] as? [String: Int])
                    let (_, listed) = try await chatwoot.call(.GET, "/conversations\(query)")
                    let expected = ((listed as? [String: Any])?["data"] as? [String: Any])?["meta"] as? [String: Int]
                    #expect(meta == expected, "\(query)")
                }
            }
            let (_, all) = try await agent.call(.GET, "/conversations/meta?status=all")
            #expect(
                (all as? [String: Any])?["meta"] as? [String: Int] == [
                    "mine_count": 1, "unassigned_count": 2, "assigned_count": 1, "all_count": 3,
                ])
            let (bad, error) = try await admin.call(.GET, "/conversations/meta?status=nope")
            #expect(bad == 422 && (error as? [String: Any])?["error"] as? String == "'nope' is not a valid status")
            let (bot, _) = try await Chatwoot(server, token: "bot-token").call(.GET, "/conversations/meta")
            #expect(bot == 401)
        }
    }

    @Test("contact list, search and filter carry contact_inboxes with source_id, unless include_contact_inboxes=false")
    func contactInboxes() async throws {
        try await withServer { server in
            let admin = Chatwoot(server, token: "dev-token")
            let identifier = "inboxes-\(UUID().uuidString)"
            let contact = try await ChatwootFaceTests.contact(admin, identifier: identifier)
            let filter = #"{"payload":[{"attribute_key":"identifier","filter_operator":"equal_to","values":["\#(identifier)"]}]}"#
            let requests: [(HTTPMethod, String, String?)] = [
                (.GET, "/contacts", nil), (.GET, "/contacts/search?q=\(identifier)", nil), (.POST, "/contacts/filter", filter),
            ]
            for (method, path, body) in requests {
                let (status, answer) = try await admin.call(method, path, body)
                #expect(status == 200, "\(path)")
                let payload = (answer as? [String: Any])?["payload"] as? [[String: Any]] ?? []
                let found = try #require(payload.first { $0["id"] as? Int == contact.id }, "\(path)")
                let inboxes = try #require(found["contact_inboxes"] as? [[String: Any]], "\(path)")
                #expect(inboxes.count == 1)
                #expect(inboxes.first?["source_id"] as? String == contact.sourceId)
                let inbox = inboxes.first?["inbox"] as? [String: Any]
                #expect(inbox?["id"] as? Int == 1 && inbox?["channel_type"] as? String == "Channel::Api")

                let separator = path.contains("?") ? "&" : "?"
                let (_, without) = try await admin.call(method, path + separator + "include_contact_inboxes=false", body)
                let bare = ((without as? [String: Any])?["payload"] as? [[String: Any]] ?? []).first { $0["id"] as? Int == contact.id }
                #expect(bare != nil && bare?["contact_inboxes"] == nil, "\(path)")
            }
        }
    }
}
