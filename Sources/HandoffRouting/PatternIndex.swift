/// The patterns of all teams, indexed so that the patterns matching one intent come out in
/// precedence order without scanning every pattern.
struct PatternIndex: Sendable, Hashable {
    /// One pattern and the team that holds it.
    struct Entry: Sendable, Hashable {
        /// The team's position in the file.
        var team: Int
        /// The pattern.
        var pattern: IntentPattern
    }

    private var exact: [[String]: [Entry]] = [:]
    private var wildcards: [[String]: [Entry]] = [:]

    init(teams: [RoutingTeam]) {
        for (team, routingTeam) in teams.enumerated() {
            for pattern in routingTeam.patterns {
                let entry = Entry(team: team, pattern: pattern)
                if pattern.isWildcard {
                    wildcards[pattern.segments, default: []].append(entry)
                } else {
                    exact[pattern.segments, default: []].append(entry)
                }
            }
        }
    }

    /// Every pattern that matches `intent`, best first: the exact pattern, then wildcards from the
    /// most segments to the fewest; equal patterns (only in files with duplicates) in file order.
    func candidates(for intent: String) -> [Entry] {
        guard let segments = IntentPattern.segments(ofIntent: intent) else { return [] }
        var result = exact[segments] ?? []
        for length in stride(from: segments.count - 1, through: 1, by: -1) {
            result += wildcards[Array(segments.prefix(length))] ?? []
        }
        return result
    }
}
