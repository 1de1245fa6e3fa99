import Foundation
import HandoffContract

/// One turn as the end user lived it: what they said, then what the bot answered before their next words.
struct LivedTurn: Sendable, Hashable {
    /// The user's words.
    var said: String
    /// The bot's answers the user received after them, in order.
    var answers: [String]
}

/// Compares the support side's transcript with the turns the user lived: every user message on its own,
/// in the order sent, and every bot answer between the same user messages as lived. Extra bot messages (a
/// handoff announcement) are allowed; internal notes and agent or system messages are not the transcript.
enum TranscriptCheck {
    /// Nil when the support side holds the lived turns in order; otherwise the problem in plain words.
    static func problem(lived: [LivedTurn], support messages: [Message]) -> String? {
        let transcript = messages.filter { $0.visibility == .public && ($0.author == .user || $0.author == .bot) }
        let livedTexts = lived.flatMap { [$0.said] + $0.answers }.map(normal)

        /// A message holding this line and another line of the lived transcript: a pasted transcript.
        func pasted(_ line: String) -> Message? {
            messages.first { message in
                let text = normal(message.text)
                return text != line && text.contains(line) && livedTexts.contains { $0 != line && text.contains($0) }
            }
        }

        var positions: [Int] = []
        for (index, turn) in lived.enumerated() {
            let said = normal(turn.said)
            let matches = transcript.indices.filter { transcript[$0].author == .user && normal(transcript[$0].text) == said }
            if matches.isEmpty {
                if let paste = pasted(said) {
                    return "the user's '\(said)' is on the support side only inside \(paste.shown), pasted together with "
                        + "other lines of the conversation: mirror each message on its own, in the order it was said"
                }
                if let other = messages.first(where: { normal($0.text) == said }) {
                    return "the user's '\(said)' is on the support side as \(other.shown), not as the user's public message"
                }
                return "the user's '\(said)' never reached the support side; it holds \(summary(transcript))"
            }
            guard let position = matches.first(where: { $0 > (positions.last ?? -1) }) else {
                let before = lived[index - 1].said
                return "the user said '\(before)' and then '\(said)', but on the support side \(transcript[matches[0]].shown) "
                    + "comes before \(transcript[positions.last!].shown): the team reads the conversation out of order"
            }
            positions.append(position)
        }
        for (index, turn) in lived.enumerated() {
            let said = normal(turn.said)
            let start = positions[index]
            let end = index + 1 < positions.count ? positions[index + 1] : transcript.count
            let nextSaid = index + 1 < lived.count ? normal(lived[index + 1].said) : nil
            var cursor = start
            for answer in turn.answers.map(normal) {
                func isAnswer(_ position: Int) -> Bool {
                    transcript[position].author == .bot && normal(transcript[position].text) == answer
                }
                if let found = (cursor + 1..<max(cursor + 1, end)).first(where: isAnswer) {
                    cursor = found
                    continue
                }
                let seen =
                    "the user got the bot's answer '\(answer)' after saying '\(said)'" + (nextSaid.map { " and before '\($0)'" } ?? "")
                if let elsewhere = transcript.indices.first(where: isAnswer) {
                    let place: String
                    if elsewhere < start {
                        place = "before '\(said)'"
                    } else if elsewhere >= end, let nextSaid {
                        place = "after '\(nextSaid)'"
                    } else {
                        place = "out of order among the bot's answers"
                    }
                    return "\(seen), but on the support side \(transcript[elsewhere].shown) sits \(place): "
                        + "the team reads the conversation out of order"
                }
                if let paste = pasted(answer) {
                    return "\(seen), but the support side has it only inside \(paste.shown), pasted together with other lines: "
                        + "mirror each message on its own, in the order it was said"
                }
                return "\(seen), but it is missing from the support side (\(summary(transcript))): the team does not see "
                    + "what the bot told the user"
            }
        }
        return nil
    }

    /// Trimmed text.
    static func normal(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// The transcript for a failure message, at most 8 messages.
    static func summary(_ transcript: [Message]) -> String {
        if transcript.isEmpty { return "no public user or bot message" }
        let shown = transcript.prefix(8).map { "\($0.author.rawValue) '\(DriverCalls.cut($0.text, 60))'" }
        return shown.joined(separator: ", ") + (transcript.count > 8 ? ", … (\(transcript.count) in all)" : "")
    }
}
