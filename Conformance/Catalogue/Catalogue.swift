/// Every case of the suite, in report order.
public enum Catalogue {
    /// The suite's version, printed in reports; bump it when cases change.
    public static let version = "1.0.0"

    /// All cases.
    public static let all: [ConformanceCase] =
        UserCases.all + ConversationCases.all + MessageCases.all + TeamCases.all + TransferCases.all + EventCases.all
        + CloseCases.all + ErrorCases.all + SecurityCases.all
}
