import Foundation
import GRDB
import HandoffContract
import Synchronization

/// The rules broken on purpose (`handoff mock --defect`), kept at the boundary around the reference rules.
///
/// Faces call the store's public operations; each passes through here first. With no defect (normal use) every
/// method calls the reference rule directly. A defect alters an operation's input, its output, or the call itself
/// (skips it, or answers without it), and never reaches inside a rule: the reference code has no defect branch.
struct DefectBoundary: Sendable {
    /// The defects switched on; empty in normal use.
    let defects: Set<Defect>
    /// Posts counted per conversation (`lose-messages` loses every tenth, however many arrive at once).
    let posts = PostCounter()

    /// Whether a defect is switched on.
    func has(_ defect: Defect) -> Bool { !defects.isEmpty && defects.contains(defect) }

    /// A team as the API reports it: every team offline under `all-teams-unavailable`.
    func reported(_ team: Team) -> Team {
        guard has(.allTeamsUnavailable) else { return team }
        var team = team
        team.availability = .init(available: false, reason: "offline", agentCount: team.availability.agentCount)
        return team
    }
}

extension DefectBoundary {
    /// The teams list as answered: one team only, every id the first's, or every team offline.
    func teams(_ teams: [Team]) -> [Team] {
        guard !defects.isEmpty else { return teams }
        var teams = teams
        if has(.singleTeam) { teams = Array(teams.prefix(1)) }
        if has(.duplicateTeamIds), let first = teams.first {
            teams = teams.map {
                var team = $0
                team.id = first.id
                return team
            }
        }
        return teams.map(reported)
    }
}

extension DefectBoundary {
    /// A page of the event feed as answered: newest first under `events-out-of-order`.
    func events(_ events: [SupportEvent]) -> [SupportEvent] {
        has(.eventsOutOfOrder) ? events.reversed() : events
    }
}

/// Counts calls per key, safely across tasks.
final class PostCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// The count for `key` after this call.
    func next(_ key: String) -> Int {
        counts.withLock { counts in
            counts[key, default: 0] += 1
            return counts[key]!
        }
    }
}
