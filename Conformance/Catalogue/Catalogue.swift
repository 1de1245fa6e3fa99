/// Every case of the suite, in report order.
public enum Catalogue {
    /// The suite's version, printed in reports; bump it when cases change.
    public static let version = "1.1.0"

    /// The contract's cases (profiles core, events, errors, security): what every binding runs.
    public static let all: [ConformanceCase] =
        UserCases.all + ConversationCases.all + MessageCases.all + TeamCases.all + TransferCases.all + EventCases.all
        + CloseCases.all + ErrorCases.all + SecurityCases.all

    /// Chatwoot fidelity (profile `chatwoot`, ids `CW-…`): run with the Chatwoot binding only.
    public static let chatwoot: [ConformanceCase] = ChatwootCases.all

    /// Every case, for listings.
    public static let complete: [ConformanceCase] = all + chatwoot

    /// The cases a binding runs: the contract's, plus Chatwoot fidelity when it reaches Chatwoot's API.
    public static func cases(for binding: any ConformanceBinding) -> [ConformanceCase] {
        binding.capabilities.contains(.chatwootAPI) ? complete : all
    }
}
