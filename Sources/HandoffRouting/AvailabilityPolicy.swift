/// What to try when the team a decision picked cannot take the conversation (no agent, offline).
///
/// ``Router/reroute(_:unavailable:)`` applies it: first the decided team's alternates in order,
/// depth first through the alternates' own alternates, skipping unavailable teams; when none is
/// left, ``otherwise``.
public struct AvailabilityPolicy: Sendable, Hashable {
    /// For a team name, the teams to try instead, in order. An unavailable alternate's own
    /// alternates are tried before the next one in the list.
    public var alternates: [String: [String]]
    /// What happens once the alternates are used up; nil means the same as ``RoutingRules/fallback``.
    public var otherwise: FallbackPolicy?

    /// Creates an availability policy; by default no alternates, then the fallback.
    public init(alternates: [String: [String]] = [:], otherwise: FallbackPolicy? = nil) {
        self.alternates = alternates
        self.otherwise = otherwise
    }
}
