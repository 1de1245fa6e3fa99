import Foundation
import HandoffClient
import HandoffContract
import HandoffRouting

/// What the suite's end users say (docs/driver-protocol.md): sentences any intent classifier maps easily.
enum Say {
    /// A greeting; the bot answers.
    static let hi = "Hi"
    /// A billing question (`billing.refund`).
    static let billing = "I was charged twice for my plan"
    /// The user asks for a person.
    static let human = "I want to talk to a human"
    /// Said while an agent has the conversation: mirrored, and the bot stays silent.
    static let stillThere = "Are you still there?"
}

/// A user handed off by an earlier scenario, for the next ones to continue (DRV-001 → 002 → 003 → 005).
struct Journey: Sendable {
    /// The sender id (the support-side user's `externalId`).
    var sender: String
    /// The support-side user.
    var userId: String
    /// The conversation that was handed off.
    var conversationId: String
    /// True once the agent resolved it.
    var resolved = false
}

/// A user who asked for a human, and what came of it.
struct HandedOff: Sendable {
    /// The sender id.
    var sender: String
    /// The support-side user.
    var user: User
    /// The conversation, now with a team.
    var conversation: Conversation
    /// What the user lived: each sentence and the bot's answers after it.
    var turns: [LivedTurn]
}

/// The scenarios of driver mode, over one channel to the connector and the mock: each plays end users on
/// the bot's side, plays the agent on the mock, and judges both sides. One value per case, with the
/// case's own exchange log.
struct DriveScenarios: Sendable {
    let options: DriveOptions
    let support: SupportSide
    let channel: any EndUserChannel
    let log: DriveLog
    let store: ReceivedStore
    let router: Router?

    /// The longest wait for anything to be seen.
    var timeout: Duration { options.timeout }
    /// How long to keep looking for something that must not come.
    var settle: Duration { min(options.timeout / 5, .seconds(1)) }

    /// Runs the case with this id; `journey` carries a handed-off user from one case to the next.
    func run(_ id: String, _ journey: inout Journey?) async throws {
        switch id {
        case "DRV-001": try await userAsksForHuman(&journey)
        case "DRV-002": try await agentAndUserTalk(&journey)
        case "DRV-003": try await resolveGivesUserBack(&journey)
        case "DRV-004": try await twoUsersAtOnce()
        case "DRV-005": try await returningUser(&journey)
        case "DRV-006": try await nobodyAvailable()
        case "DRV-007": try await userLeavesWhileQueued()
        default: throw CaseSkip(reason: "no scenario for \(id)")
        }
    }

    /// A fresh sender id such as `drv-1a2b3c-ada`.
    static func freshSender(_ name: String) -> String {
        "drv-\(String(format: "%06x", UInt32.random(in: 0..<0x100_0000)))-\(name)"
    }

    /// Six fresh hex digits, to make a text unique.
    static func tag() -> String { String(format: "%06x", UInt32.random(in: 0..<0x100_0000)) }

    /// The user says the three sentences of a billing handoff; waits until a conversation of theirs is
    /// with a team and returns it with what the user lived.
    func handOff(_ sender: String) async throws -> HandedOff {
        let sentences = [Say.hi, Say.billing, Say.human]
        var marks: [Int] = []
        var immediate: [[ReceivedMessage]] = []
        for sentence in sentences {
            // A fresh sender has received nothing yet: the first call is the user's first message.
            marks.append(marks.isEmpty ? 0 : try await channel.received(sender).count)
            immediate.append(try await channel.say(sentence, as: sender))
        }
        let (user, conversation) = try await awaitHandoff(sender)
        let received = try await channel.received(sender)
        var turns: [LivedTurn] = []
        for (index, sentence) in sentences.enumerated() {
            let end = index + 1 < marks.count ? marks[index + 1] : received.count
            let later = marks[index] < end && end <= received.count ? received[marks[index]..<end].filter(\.fromBot) : []
            let answers = later.isEmpty ? immediate[index] : later
            turns.append(LivedTurn(said: sentence, answers: answers.map(\.text)))
        }
        return HandedOff(sender: sender, user: user, conversation: conversation, turns: turns)
    }

    /// Waits until the user with this `externalId` has a conversation (not in `excluding`) queued or
    /// assigned to a team; fails saying how far the connector got.
    func awaitHandoff(_ sender: String, excluding: Set<String> = []) async throws -> (User, Conversation) {
        var user: User?
        var conversations: [Conversation] = []
        let found = try await poll(timeout) { () async throws -> (User, Conversation)? in
            guard let found = try await support.user(externalId: sender) else { return nil }
            user = found
            conversations = try await support.conversations(userId: found.id).filter { !excluding.contains($0.id) }
            return conversations.last(where: \.handedOff).map { (found, $0) }
        }
        if let found { return found }
        let evidence =
            log.driverCalls(for: sender) + [log.last("GET", "/v1/users"), log.last("GET", "/v1/conversations")].compactMap { $0 }
        guard let user else {
            throw CaseFailure(
                "the user '\(sender)' asked for a human, but within \(timeout) the connector made no support-side user "
                    + "with externalId '\(sender)' (GET /v1/users?externalId=\(sender) finds none): the sender must be the "
                    + "user's externalId", exchanges: evidence)
        }
        guard !conversations.isEmpty else {
            let new = excluding.isEmpty ? "" : " new"
            throw CaseFailure(
                "the user '\(sender)' asked for a human, but within \(timeout) the connector opened no\(new) conversation "
                    + "for \(user.id)", exchanges: evidence)
        }
        let states = conversations.map { "\($0.id) is '\($0.state.rawValue)'" }.joined(separator: ", ")
        throw CaseFailure(
            "the user '\(sender)' said '\(Say.human)', but within \(timeout) no conversation of \(user.id) was handed to a "
                + "team (\(states)): the connector never transferred it", exchanges: evidence)
    }

    /// Continues the journey's user when one is handed off and not resolved; otherwise hands off a fresh one.
    func continuing(_ journey: inout Journey?) async throws -> Journey {
        if let current = journey, !current.resolved { return current }
        let handoff: HandedOff
        do {
            handoff = try await handOff(Self.freshSender("ada"))
        } catch let failure as CaseFailure {
            throw CaseFailure("the hand-off this scenario starts from failed: \(failure.message)", exchanges: failure.exchanges)
        }
        let current = Journey(sender: handoff.sender, userId: handoff.user.id, conversationId: handoff.conversation.id)
        journey = current
        return current
    }

    /// What a user received, for a failure message (the newest six).
    static func describe(_ received: [ReceivedMessage]) -> String {
        if received.isEmpty { return "the user received nothing" }
        let shown = received.suffix(6).map { "\($0.from) '\(DriverCalls.cut($0.text, 80))'" }
        return "the user received " + (received.count > 6 ? "… " : "") + shown.joined(separator: ", ")
    }

    /// The driver's calls for `sender` and the newest exchange of each given call, as evidence.
    func evidence(_ sender: String, _ calls: [(String, String)] = []) -> [HTTPExchange] {
        log.driverCalls(for: sender) + calls.compactMap { log.last($0.0, $0.1) } + store.callbacks(mentioning: sender).suffix(5)
    }
}
