import Foundation
import HandoffContract

/// TEAM: more than one team, each with its availability.
enum TeamCases {
    static let all: [ConformanceCase] = [
        ConformanceCase("TEAM-001", .must, .core, rule: .teams, "The support system lists more than one team.") { ctx in
            let teams = try await ctx.support.teams()
            try check(teams.count >= 2, "teams listed: \(teams.count), want at least 2")
        },
        ConformanceCase("TEAM-002", .must, .core, rule: .teams, "Every team has a distinct id and a non-empty name.") { ctx in
            let teams = try await ctx.support.teams()
            try checkEqual(Set(teams.map(\.id)).count, teams.count, "distinct team ids")
            try check(teams.allSatisfy { !$0.name.isEmpty && !$0.id.isEmpty }, "a team has an empty id or name")
        },
        ConformanceCase("TEAM-003", .should, .core, rule: .teams, "Team names are unique, ignoring case.") { ctx in
            let names = try await ctx.support.teams().map { $0.name.lowercased() }
            try checkEqual(Set(names).count, names.count, "distinct team names")
        },
        ConformanceCase("TEAM-004", .must, .core, rule: .teams, "At least one team is available to take a conversation.") { ctx in
            _ = try await ctx.availableTeam()
        },
        ConformanceCase(
            "TEAM-005", .should, .core, rule: .teams, "Taking a team offline shows in its availability, with a reason.",
            needs: [.agentDesk], exclusive: true
        ) { ctx in
            let team = try await ctx.availableTeam()
            let desk = try ctx.desk
            _ = try await desk.setTeamOnline(team.id, online: false)
            let read = try await ctx.support.teams().first { $0.id == team.id }
            _ = try await desk.setTeamOnline(team.id, online: true)
            try checkEqual(read?.availability.available, false, "availability after going offline")
            try check(read?.availability.reason?.isEmpty == false, "no reason given for the unavailability")
        },
    ]
}
