/// The exchange that asks the user to pick a team, as a value-type state machine with no I/O:
/// the bot sends what ``start()`` returns, feeds each user reply to ``reply(_:)`` and acts on the step.
///
/// ```
/// notStarted ─start()─▶ waiting ─number, label or synonym─▶ finished(.chosen(team))
///                       │  ▲    ─a cancel word───────────▶ finished(.cancelled)
///                       └──┘ not understood, re-asks left: .reask(prompt)
///                            not understood, none left ──▶ finished(.gaveUp(team or nil))
/// ```
///
/// With `maxReasks` 2 the question is put at most three times. Cancel words are checked before
/// choices. After a final step, ``reply(_:)`` returns that step again and changes nothing; a
/// reply before ``start()`` starts the exchange first.
public struct AskSession: Sendable, Hashable {
    /// What a reply led to.
    public enum Step: Sendable, Hashable {
        /// The user picked this team: transfer to it.
        case chosen(RoutingTeam)
        /// The reply named no choice; send this prompt.
        case reask(AskPrompt)
        /// The user cancelled: back to the bot.
        case cancelled
        /// The re-asks ran out: transfer to this team, or back to the bot when nil.
        case gaveUp(RoutingTeam?)

        /// True for every step but ``reask(_:)``.
        public var isFinal: Bool {
            if case .reask = self { false } else { true }
        }
    }

    /// Where the exchange stands.
    public enum State: Sendable, Hashable {
        /// ``AskSession/start()`` was not called yet.
        case notStarted
        /// This prompt was sent; waiting for the reply.
        case waiting(AskPrompt)
        /// Done.
        case finished(Step)
    }

    /// Where the exchange stands.
    public private(set) var state: State = .notStarted
    /// How many times the question was asked again so far.
    public private(set) var reasks = 0
    /// The first prompt.
    public let prompt: AskPrompt
    /// The line put before the question when a reply was not understood.
    public let retry: String
    /// How many re-asks are allowed before giving up.
    public let maxReasks: Int
    /// Replies that cancel.
    public let cancelWords: [String]
    /// Where the conversation goes when the re-asks run out; nil means back to the bot.
    public let giveUpTeam: RoutingTeam?

    /// Creates an exchange; ``Router/askSession(excluding:)`` makes one from the rules.
    public init(
        prompt: AskPrompt, retry: String = AskPolicy.defaultRetry, maxReasks: Int = AskPolicy.defaultMaxReasks,
        cancelWords: [String] = AskPolicy.defaultCancelWords, giveUpTeam: RoutingTeam? = nil
    ) {
        self.prompt = prompt
        self.retry = retry
        self.maxReasks = max(0, maxReasks)
        self.cancelWords = cancelWords
        self.giveUpTeam = giveUpTeam
    }

    /// Starts (or restarts) the exchange and returns the first prompt to send.
    public mutating func start() -> AskPrompt {
        state = .waiting(prompt)
        reasks = 0
        return prompt
    }

    /// Reads the user's reply: a choice's number, label or synonym picks it; a cancel word cancels;
    /// anything else asks again, or gives up once the re-asks are used.
    public mutating func reply(_ text: String) -> Step {
        switch state {
        case .finished(let step): return step
        case .notStarted: _ = start()
        case .waiting: break
        }
        let folded = TextMatching.fold(text)
        if !folded.isEmpty, cancelWords.contains(where: { TextMatching.fold($0) == folded }) {
            return finish(.cancelled)
        }
        if let option = prompt.option(matching: text) {
            return finish(.chosen(option.team))
        }
        guard reasks < maxReasks else { return finish(.gaveUp(giveUpTeam)) }
        reasks += 1
        let again = AskPrompt(question: retry + "\n" + prompt.question, options: prompt.options, attempt: reasks + 1)
        state = .waiting(again)
        return .reask(again)
    }

    private mutating func finish(_ step: Step) -> Step {
        state = .finished(step)
        return step
    }
}
