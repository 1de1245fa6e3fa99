/// How the user is asked to pick a team when nothing else decides.
public struct AskPolicy: Sendable, Hashable {
    /// What happens when the user never gives a usable answer.
    public enum GiveUp: Sendable, Hashable {
        /// The fallback's team when ``RoutingRules/fallback`` is a team, else back to the bot. The default.
        case fallbackTeam
        /// Back to the bot.
        case bot
        /// This team (a ``RoutingTeam/name``).
        case team(String)
    }

    /// The default question.
    public static let defaultPrompt = "Which team can help you best? Reply with a number or a name."
    /// The default line put before the question when a reply was not understood.
    public static let defaultRetry = "Sorry, I did not catch that."
    /// The default words that cancel the question and return to the bot.
    public static let defaultCancelWords = ["cancel", "stop", "nevermind", "never mind"]
    /// The default number of re-asks after the first question.
    public static let defaultMaxReasks = 2

    /// The question put before the numbered choices. Default: ``defaultPrompt``.
    public var prompt: String
    /// The line put before the question when a reply was not understood. Default: ``defaultRetry``.
    public var retry: String
    /// The choices, numbered from 1 in this order.
    public var choices: [AskChoice]
    /// How many times the question is asked again after replies that name no choice; the next such
    /// reply gives up. Default: 2 (three questions in all).
    public var maxReasks: Int
    /// Replies that cancel the question and return to the bot, compared like labels. Default:
    /// ``defaultCancelWords``.
    public var cancelWords: [String]
    /// What happens when the re-asks run out. Default: ``GiveUp/fallbackTeam``.
    public var giveUp: GiveUp

    /// Creates an ask policy; every argument has the file's default.
    public init(
        prompt: String = AskPolicy.defaultPrompt, retry: String = AskPolicy.defaultRetry, choices: [AskChoice] = [],
        maxReasks: Int = AskPolicy.defaultMaxReasks, cancelWords: [String] = AskPolicy.defaultCancelWords,
        giveUp: GiveUp = .fallbackTeam
    ) {
        self.prompt = prompt
        self.retry = retry
        self.choices = choices
        self.maxReasks = maxReasks
        self.cancelWords = cancelWords
        self.giveUp = giveUp
    }
}

/// One answer the user can give to the ask prompt.
public struct AskChoice: Sendable, Hashable {
    /// The text shown, and accepted as a reply.
    public var label: String
    /// The team it picks (a ``RoutingTeam/name``).
    public var team: String
    /// Other replies that pick it (`invoice`, `facturación`), compared like the label.
    public var synonyms: [String]
    /// The line of the rules file where the choice starts; nil for choices built in code.
    public var line: Int?

    /// Creates a choice.
    public init(label: String, team: String, synonyms: [String] = [], line: Int? = nil) {
        self.label = label
        self.team = team
        self.synonyms = synonyms
        self.line = line
    }
}
