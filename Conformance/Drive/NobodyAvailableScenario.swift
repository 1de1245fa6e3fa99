import Foundation
import HandoffClient
import HandoffContract
import HandoffRouting

/// DRV-006: the team is unavailable, and the user must be told the truth.
extension DriveScenarios {
    /// DRV-006: Billing (the rules' team for a billing question, with rules) is taken offline; a user asks about
    /// billing, then for a human. Another team takes it, or the user hears that nobody is available — never a
    /// promise of a human with no transfer. The team's availability is restored afterwards, whatever happened.
    func nobodyAvailable() async throws {
        let teams = try await support.teams()
        guard let team = billingTeam(teams) else {
            throw CaseSkip(reason: "the support side has no Billing team to take offline")
        }
        let wasOnline = team.availability.reason != "offline"
        try await support.setOnline(team.id, false)
        let outcome: Result<Void, any Error>
        do {
            try await judgeTruth(offline: team)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        do {
            try await support.setOnline(team.id, wasOnline)
        } catch {
            if case .success = outcome {
                throw CaseFailure(
                    "could not bring team '\(team.name)' (\(team.id)) back online after the scenario: \(error)",
                    exchanges: [log.last("PUT", "/mock/v1/teams/")].compactMap { $0 })
            }
        }
        try outcome.get()
    }

    /// The team a billing question goes to: the rules' pick for `billing.refund`, else the team named Billing.
    private func billingTeam(_ teams: [Team]) -> Team? {
        if let router, case .team(let routing) = router.decide(unfinishedIntents: ["billing.refund"]).outcome {
            switch routing.supportTeam {
            case .id(let id): if let team = teams.first(where: { $0.id == id }) { return team }
            case .name(let name): if let team = teams.first(where: { $0.name.lowercased() == name.lowercased() }) { return team }
            }
        }
        return teams.first { $0.name.lowercased() == "billing" }
    }

    private func judgeTruth(offline team: Team) async throws {
        let sender = Self.freshSender("dee")
        _ = try await channel.say(Say.hi, as: sender)
        _ = try await channel.say(Say.billing, as: sender)
        let mark = try await channel.received(sender).count
        let answers = try await channel.say(Say.human, as: sender)
        var told = answers
        var conversations: [Conversation] = []
        _ = try await poll(timeout) { () async throws -> Bool? in
            if let user = try await support.user(externalId: sender) {
                conversations = try await support.conversations(userId: user.id)
                if conversations.contains(where: \.handedOff) { return true }
            }
            let received = try await channel.received(sender)
            told = answers + (mark <= received.count ? Array(received[mark...]) : [])
            return told.contains { HumanPromise.saysNobody($0.text) } ? true : nil
        }
        if conversations.contains(where: \.handedOff) { return }
        try await Task.sleep(for: settle)  // what the user hears next may still correct (or contradict) it
        let received = try await channel.received(sender)
        told = answers + (mark <= received.count ? Array(received[mark...]) : [])
        let proof = evidence(sender, [("GET", "/users/\(sender)/received"), ("GET", "/v1/conversations")])
        let offline = "team '\(team.name)' was offline and no transfer succeeded"
        // The user's last word on it counts: a promise later corrected by "nobody is available" is the truth told.
        let lastWord = told.last { HumanPromise.promisesHuman($0.text) || HumanPromise.saysNobody($0.text) }
        if let promise = lastWord, HumanPromise.promisesHuman(promise.text) {
            throw CaseFailure(
                "\(offline), yet the user was told '\(promise.text)' and nothing after it said otherwise: a human was "
                    + "promised and nobody is coming; say that nobody is available (or transfer to a team that is)",
                exchanges: proof)
        }
        if lastWord != nil { return }
        let states =
            conversations.isEmpty
            ? "no conversation" : conversations.map { "\($0.id) '\($0.state.rawValue)'" }.joined(separator: ", ")
        throw CaseFailure(
            "\(offline) (\(states)), and within \(timeout) the user was told nothing about it after asking for a human; "
                + Self.describe(told), exchanges: proof)
    }
}
