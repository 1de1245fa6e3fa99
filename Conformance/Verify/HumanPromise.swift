/// Reads a bot message for what it tells the user about humans (CON-011 on the journal, DRV-006 on what the user
/// received): a promise that a person is coming, or
/// the truth that nobody is available. Plain phrase lists, lower-cased; good enough for the sentences
/// bots send ("An agent will be with you shortly", "Sorry, nobody is available right now").
enum HumanPromise {
    /// Phrases that promise a human.
    static let promises = [
        "will be with you", "connecting you", "connect you", "an agent will", "a human will", "someone will", "transferring you",
        "transfer you", "handing you over", "hand you over", "get you someone", "agent is on", "someone is on", "in the queue",
        "reach out shortly", "join shortly", "will join",
    ]
    /// Phrases that say nobody can come.
    static let refusals = [
        "no one is available", "nobody is available", "not available", "unavailable", "no agent", "no human", "are closed",
        "outside our", "cannot connect", "can't connect", "could not connect", "couldn't connect", "try again later",
        "nobody", "no one", "no-one", "offline", "busy", "come back later",
    ]

    /// True when the text promises a human and does not say that nobody is available.
    static func promisesHuman(_ text: String) -> Bool {
        let lower = text.lowercased()
        return promises.contains { lower.contains($0) } && !saysNobody(lower)
    }

    /// True when the text tells the user that no human can come now.
    static func saysNobody(_ text: String) -> Bool {
        let lower = text.lowercased()
        return refusals.contains { lower.contains($0) }
    }
}
