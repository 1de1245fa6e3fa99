import ArgumentParser
import Conformance
import HandoffClient

/// The flags of `handoff conform --binding chatwoot`.
struct ChatwootOptions: ParsableArguments {
    @Option(help: "Chatwoot: the account id (/api/v1/accounts/<id>).")
    var accountId: Int?

    @Option(help: "Chatwoot: the API inbox for the bot's contacts and conversations (connect the agent bot to it).")
    var inboxId: Int?

    @Option(help: "Chatwoot: the agent bot's access token, for conversations, bot messages, the handoff and the close (default: --token).")
    var botToken: String?

    @Option(help: "Chatwoot: an agent's (role agent) access token, for the human side; without it the agent cases are skipped.")
    var agentToken: String?

    @Option(help: "Chatwoot: a second account's id, with --other-token and --other-inbox-id, for isolation cases.")
    var otherAccountId: Int?

    @Option(help: "Chatwoot: an API inbox of the second account.")
    var otherInboxId: Int?

    /// True when any Chatwoot flag was given.
    var anyGiven: Bool {
        accountId != nil || inboxId != nil || botToken != nil || agentToken != nil || otherAccountId != nil
            || otherInboxId != nil
    }

    /// Checks the flags for `--binding chatwoot`.
    func validate(otherToken: String?) throws {
        guard let accountId, accountId > 0 else {
            throw ValidationError("--binding chatwoot needs --account-id N (the Chatwoot account).")
        }
        guard let inboxId, inboxId > 0 else {
            throw ValidationError("--binding chatwoot needs --inbox-id N (an API inbox with the agent bot connected).")
        }
        let other = [otherToken != nil, otherAccountId != nil, otherInboxId != nil]
        guard other.allSatisfy({ $0 }) || other.allSatisfy({ !$0 }) else {
            throw ValidationError("A second Chatwoot account needs all of --other-token, --other-account-id and --other-inbox-id.")
        }
    }

    /// The binding, once validated.
    func binding(target: String, token: String, otherToken: String?, agentDesk: Bool) -> ChatwootBinding {
        let account = ChatwootAccount(
            baseURL: target, accountId: accountId ?? 0, inboxId: inboxId ?? 0, userToken: token, botToken: botToken)
        var other: ChatwootAccount?
        if let otherToken, let otherAccountId, let otherInboxId {
            other = ChatwootAccount(baseURL: target, accountId: otherAccountId, inboxId: otherInboxId, userToken: otherToken)
        }
        return ChatwootBinding(account: account, agentToken: agentDesk ? agentToken : nil, otherAccount: other)
    }
}
