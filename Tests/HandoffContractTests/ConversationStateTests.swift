import HandoffContract
import Testing

@Suite("Conversation state machine")
struct ConversationStateTests {
    static let allowed: [(ConversationState, ConversationTransition, ConversationState)] = [
        (.bot, .transfer, .queued), (.queued, .transfer, .queued), (.assigned, .transfer, .queued),
        (.queued, .accept, .assigned), (.assigned, .accept, .assigned),
        (.queued, .resolve, .resolved), (.assigned, .resolve, .resolved), (.resolved, .resolve, .resolved),
        (.bot, .close, .closed), (.queued, .close, .closed), (.assigned, .close, .closed),
        (.resolved, .close, .closed), (.closed, .close, .closed),
    ]

    @Test("allowed transitions", arguments: allowed.indices)
    func allowedTransition(index: Int) throws {
        let (from, transition, to) = Self.allowed[index]
        #expect(try from.apply(transition) == to)
    }

    @Test("every other transition is refused with a code")
    func refused() {
        let all = ConversationState.allCases.flatMap { state in
            [ConversationTransition.transfer, .accept, .resolve, .close].map { (state, $0) }
        }
        let refused = all.filter { pair in !Self.allowed.contains { $0.0 == pair.0 && $0.1 == pair.1 } }
        #expect(refused.count == 7)
        for (state, transition) in refused {
            #expect(throws: ContractError.self) { try state.apply(transition) }
        }
        #expect(throws: ContractError.conversationClosed) { try ConversationState.closed.apply(.transfer) }
    }
}

@Suite("Message rules")
struct MessageRulesTests {
    @Test("the bot is silent after a transfer but may write internal notes")
    func botSilenced() throws {
        try MessageRules.check(author: .bot, visibility: .public, state: .bot)
        for state in [ConversationState.queued, .assigned] {
            #expect(throws: ContractError.botSilenced) {
                try MessageRules.check(author: .bot, visibility: .public, state: state)
            }
            try MessageRules.check(author: .bot, visibility: .internal, state: state)
            try MessageRules.check(author: .user, visibility: .public, state: state)
        }
    }

    @Test("finished conversations take no messages")
    func finished() {
        for author in MessageAuthor.allCases {
            #expect(throws: ContractError.conversationClosed) {
                try MessageRules.check(author: author, visibility: .public, state: .closed)
            }
            #expect(throws: ContractError.conversationResolved) {
                try MessageRules.check(author: author, visibility: .public, state: .resolved)
            }
        }
    }

    @Test("agents write once assigned; notes pass while queued")
    func agents() throws {
        #expect(throws: ContractError.notAssigned) { try MessageRules.check(author: .agent, visibility: .public, state: .bot) }
        #expect(throws: ContractError.notAssigned) {
            try MessageRules.check(author: .agent, visibility: .public, state: .queued)
        }
        try MessageRules.check(author: .agent, visibility: .internal, state: .queued)
        try MessageRules.check(author: .agent, visibility: .public, state: .assigned)
    }

    @Test("only public agent messages reach the bot")
    func delivered() {
        let delivered = MessageAuthor.allCases.flatMap { author in
            Visibility.allCases.filter { MessageRules.isDeliveredToBot(author: author, visibility: $0) }.map { (author, $0) }
        }
        #expect(delivered.count == 1)
        #expect(delivered.first?.0 == .agent && delivered.first?.1 == .public)
    }

    @Test("user messages cannot be internal")
    func userInternal() {
        #expect(throws: ContractError.self) { try MessageRules.check(author: .user, visibility: .internal, state: .bot) }
    }
}

@Suite("Public ids")
struct IdentifierTests {
    @Test func roundTrip() {
        #expect(EntityKind.user.id(12) == "usr_12")
        #expect(EntityKind.user.number(from: "usr_12") == 12)
        #expect(EntityKind.user.number(from: "cnv_12") == nil)
        #expect(EntityKind.user.number(from: "usr_") == nil)
        #expect(EntityKind.user.number(from: "usr_-3") == nil)
        #expect(EntityKind.user.number(from: "usr_99999999999999999999") == nil)
        #expect(EntityKind.user.number(from: "usr_000000000000000008148") == 8148, "leading zeros do not count")
        #expect(EntityKind.user.number(from: "usr_0") == nil)
        #expect(EntityKind.user.number(from: "usr_000") == nil)
    }
}
