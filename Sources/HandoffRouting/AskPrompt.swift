import HandoffContract

/// The question that asks the user to pick a team, as plain text and as structured choices.
public struct AskPrompt: Sendable, Hashable {
    /// One numbered option.
    public struct Option: Sendable, Hashable {
        /// Its number, from 1.
        public var number: Int
        /// The text shown.
        public var label: String
        /// The team it picks.
        public var team: RoutingTeam
        /// Other replies that pick it.
        public var synonyms: [String]

        /// Creates an option.
        public init(number: Int, label: String, team: RoutingTeam, synonyms: [String] = []) {
            self.number = number
            self.label = label
            self.team = team
            self.synonyms = synonyms
        }
    }

    /// The line or lines before the options.
    public var question: String
    /// The options, numbered from 1.
    public var options: [Option]
    /// 1 for the first question, 2 for the first re-ask, and so on.
    public var attempt: Int

    /// Creates a prompt.
    public init(question: String, options: [Option], attempt: Int = 1) {
        self.question = question
        self.options = options
        self.attempt = attempt
    }

    /// The question and one numbered line per option:
    ///
    /// ```
    /// Which team can help you best? Reply with a number or a name.
    /// 1. Billing
    /// 2. Technical problem
    /// ```
    public var text: String {
        ([question] + options.map { "\($0.number). \($0.label)" }).joined(separator: "\n")
    }

    /// The options as structured choices (Chatwoot's `input_select` items): the value is the
    /// option's number, which ``option(matching:)`` understands, and the label is its label.
    public var choices: [Choice] {
        options.map { Choice(value: String($0.number), label: $0.label) }
    }

    /// The option a reply picks: by number, by label or by synonym, compared with
    /// ``TextMatching/fold(_:)``. Nil when it picks none.
    public func option(matching reply: String) -> Option? {
        if let number = TextMatching.number(in: reply), let option = options.first(where: { $0.number == number }) {
            return option
        }
        let folded = TextMatching.fold(reply)
        guard !folded.isEmpty else { return nil }
        return options.first { option in
            ([option.label] + option.synonyms).contains { TextMatching.fold($0) == folded }
        }
    }
}
