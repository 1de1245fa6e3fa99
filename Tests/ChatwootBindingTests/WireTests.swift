import Foundation
import HandoffContract
import Testing

@testable import HandoffClient

/// Chatwoot JSON (shapes from Chatwoot v4.15.0's Rails views) read as contract entities.
@Suite("Chatwoot JSON → contract entities")
struct WireTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    static let conversation = #"""
        {"meta":{"sender":{"id":3,"name":"Ada","identifier":"bot-user-1","type":"contact"},"channel":"Channel::Api",
                 "assignee":{"id":9,"name":"Grace","email":"grace@example.com"},"assignee_type":"User",
                 "team":{"id":2,"name":"billing","description":null,"allow_auto_assign":false,"account_id":1,"is_member":false},
                 "hmac_verified":false},
         "id":17,"messages":[],"account_id":1,"uuid":"u","additional_attributes":{},"agent_last_seen_at":0,
         "custom_attributes":{"handoff_intent":"billing.refund","handoff_intents":"[\"billing.refund\"]",
                              "handoff_slots":"{\"invoice\":\"INV-7\"}","channel":"web"},
         "inbox_id":5,"labels":[],"muted":false,"snoozed_until":null,"status":"open","created_at":1718000000,
         "updated_at":1718000000.5,"timestamp":1718000000,"priority":null}
        """#

    @Test("a REST conversation: display id, contact, team, human assignee, context, state assigned")
    func conversation() throws {
        let wire = try decode(WireConversation.self, Self.conversation)
        let conversation = try #require(wire.conversation)
        #expect(conversation.id == "17")
        #expect(conversation.number == 17)
        #expect(conversation.userId == "3")
        #expect(conversation.state == .assigned)
        #expect(conversation.teamId == "2")
        #expect(conversation.assigneeId == "9")
        #expect(
            conversation.context
                == ConversationContext(
                    intent: "billing.refund", intents: ["billing.refund"], slots: ["invoice": "INV-7"],
                    attributes: ["channel": "web"]))
        #expect(conversation.createdAt == Date(timeIntervalSince1970: 1_718_000_000))
        #expect(conversation.updatedAt == Date(timeIntervalSince1970: 1_718_000_000.5))
    }

    @Test("unassigned and bot-owned conversations are queued; pending is bot; resolved with the marker is closed")
    func states() throws {
        let open = try decode(
            WireConversation.self, #"{"id":1,"status":"open","meta":{"sender":{"id":3},"team":{"id":2,"name":"billing"}}}"#)
        #expect(open.conversation?.state == .queued)
        #expect(open.conversation?.assigneeId == nil)
        let botOwned = try decode(
            WireConversation.self,
            #"{"id":1,"status":"open","meta":{"sender":{"id":3},"assignee":{"id":4,"name":"Bot"},"assignee_type":"AgentBot"}}"#)
        #expect(botOwned.conversation?.state == .queued)
        let pending = try decode(WireConversation.self, #"{"id":1,"status":"pending","meta":{"sender":{"id":3}}}"#)
        #expect(pending.conversation?.state == .bot)
        let closed = try decode(
            WireConversation.self,
            #"{"id":1,"status":"resolved","meta":{},"custom_attributes":{"handoff_closed_at":"2026-06-17T10:00:00Z"},"contact_inbox":{"contact_id":8}}"#
        )
        #expect(closed.conversation?.state == .closed)
        #expect(closed.conversation?.userId == "8")
        let unknown = try decode(WireConversation.self, #"{"id":1,"status":"bot"}"#)
        #expect(unknown.conversation == nil)
    }

    @Test("REST messages: integer message_type, sender types, private notes, input_select, echo_id")
    func messages() throws {
        let list = try decode(
            WirePayloadList<WireMessage>.self,
            #"""
            {"meta":{},"payload":[
              {"id":40,"content":"hi","message_type":0,"content_type":"text","content_attributes":{},"private":false,
               "created_at":1718000001,"conversation_id":17,"sender":{"id":3,"type":"contact"}},
              {"id":41,"content":"Conversation was marked open","message_type":2,"private":false,"created_at":1718000002,
               "conversation_id":17},
              {"id":42,"content":"Pick one","message_type":1,"content_type":"input_select",
               "content_attributes":{"items":[{"title":"Billing","value":"billing"}]},"private":false,
               "created_at":1718000003,"conversation_id":17,"sender":{"id":6,"name":"Bot","type":"agent_bot"},"echo_id":"c-1"},
              {"id":43,"content":"note","message_type":1,"private":true,"created_at":1718000004,"conversation_id":17,
               "sender":{"id":9,"name":"Grace","type":"user"}}
            ]}
            """#)
        let history = list.payload.filter(\.isHistory)
        #expect(history.map(\.id.text) == ["40", "42", "43"])
        let messages = history.enumerated().map { $1.message(conversationId: "17", seq: $0 + 1) }
        #expect(messages.map(\.seq) == [1, 2, 3])
        #expect(messages.map(\.author) == [.user, .bot, .agent])
        #expect(messages.map(\.visibility) == [.public, .public, .internal])
        #expect(messages[1].choices == [Choice(value: "billing", label: "Billing")])
        #expect(messages[1].clientMessageId == "c-1")
        #expect(messages[2].agentId == "9")
        #expect(messages[0].agentId == nil)
        #expect(messages[0].createdAt == Date(timeIntervalSince1970: 1_718_000_001))
    }

    @Test("a new contract message becomes Chatwoot's message body")
    func newMessage() throws {
        let user = WireNewMessage(NewMessage(author: .user, text: "hello", clientMessageId: "k1"))
        #expect(user.messageType == "incoming" && !user.isPrivate && user.echoId == "k1" && user.contentType == nil)
        let note = WireNewMessage(NewMessage(author: .bot, text: "for the agent", visibility: .internal))
        #expect(note.messageType == "outgoing" && note.isPrivate)
        let pick = WireNewMessage(
            NewMessage(author: .bot, text: "Pick one", choices: [Choice(value: "billing", label: "Billing")]))
        let encoded = String(decoding: try HTTPTransport.encoder.encode(pick), as: UTF8.self)
        #expect(
            encoded
                == #"{"content":"Pick one","content_attributes":{"items":[{"title":"Billing","value":"billing"}]},"content_type":"input_select","message_type":"outgoing","private":false}"#
        )
    }

    @Test("a created contact is a user: identifier is the externalId, custom attributes the attributes")
    func contact() throws {
        let created = try decode(
            WireContactCreated.self,
            #"""
            {"payload":{"contact":{"additional_attributes":{},"availability_status":"offline","email":"grace@example.com",
              "id":12,"name":"Grace","phone_number":"+15550100","blocked":false,"identifier":"bot-user-7","thumbnail":"",
              "custom_attributes":{"plan":"pro","vip":true},"created_at":1718000000,
              "contact_inboxes":[{"source_id":"5d1c…","inbox":{"id":5,"name":"Bot inbox"}}]},
             "contact_inbox":{"inbox":{"id":5},"source_id":"5d1c-uuid"}}}
            """#)
        let user = created.payload.contact.user
        #expect(
            user
                == User(
                    id: "12", externalId: "bot-user-7", name: "Grace", email: "grace@example.com", phone: "+15550100",
                    attributes: ["plan": "pro", "vip": true], createdAt: Date(timeIntervalSince1970: 1_718_000_000)))
        #expect(created.payload.contactInbox?.sourceId == "5d1c-uuid")
        let unnamed = try decode(WireContact.self, #"{"id":"13","name":"","identifier":"x","email":null}"#)
        #expect(unnamed.user.name == nil && unnamed.user.id == "13")
    }

    @Test("the identifier filter is Chatwoot's filter payload with a null query_operator")
    func filter() throws {
        let encoded = String(decoding: try HTTPTransport.encoder.encode(WireFilter.equal("identifier", "u-1")), as: UTF8.self)
        #expect(
            encoded
                == #"{"payload":[{"attribute_key":"identifier","filter_operator":"equal_to","query_operator":null,"values":["u-1"]}]}"#
        )
    }

    @Test("teams read as available with their member count; the webhook answer carries Chatwoot's secret")
    func teamsAndWebhooks() throws {
        let team = try decode(WireTeam.self, #"{"id":2,"name":"billing","description":"","allow_auto_assign":true}"#)
        #expect(
            team.team(agentCount: 3)
                == Team(
                    id: "2", name: "billing", description: nil,
                    availability: TeamAvailability(available: true, reason: nil, agentCount: 3)))
        let webhook = try decode(
            WireWebhookCreated.self,
            #"{"payload":{"webhook":{"id":4,"name":null,"url":"http://127.0.0.1/h","account_id":1,"subscriptions":["message_created"],"secret":"abc"}}}"#
        )
        #expect(webhook.payload.webhook.id.text == "4" && webhook.payload.webhook.secret == "abc")
    }
}
