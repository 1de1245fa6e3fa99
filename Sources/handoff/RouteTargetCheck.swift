import ArgumentParser
import Foundation
import HandoffClient
import HandoffContract
import HandoffRouting
import NIOCore
import NIOPosix

/// How `handoff route --check --target` reads the target's teams: the neutral Support API
/// (`GET /v1/teams`, bearer token) or Chatwoot's Application API (`GET /api/v1/accounts/{id}/teams`,
/// `api_access_token`).
enum RouteBinding: String, CaseIterable, ExpressibleByArgument {
    case neutral
    case chatwoot
}

/// `handoff route --check --target URL`: every team of a valid rules file looked up on a live
/// support system. A routing team stands for a support-side team by name (compared ignoring case,
/// as support systems compare names) or by id; every name in rules, choices, the fallback and the
/// availability policy is one of those teams, so each missing support-side team is reported once,
/// at the line of the team that names it.
struct RouteTargetCheck {
    /// The target's base URL, as given.
    let target: String
    /// The binding that reads the teams.
    let support: any SupportSystem

    /// Exit code when the target cannot be reached (sysexits EX_UNAVAILABLE).
    static let unreachableCode: Int32 = 69
    /// Exit code when the target answered, but not with its teams (sysexits EX_PROTOCOL).
    static let badAnswerCode: Int32 = 76

    /// The target's teams; an unreachable target or an answer that is not a team list is a
    /// ``RuntimeFailure`` with its own exit code.
    func teams() async throws(RuntimeFailure) -> [Team] {
        try await probe()
        do {
            return try await support.teams()
        } catch let error as ClientError where error.exchange.status == nil {
            throw RuntimeFailure(
                message: "cannot reach \(target) (\(error.exchange.method) \(error.exchange.path)): "
                    + (error.detail ?? "no response"),
                code: Self.unreachableCode)
        } catch let error as ClientError {
            let hint = [401, 403].contains(error.exchange.status) ? "; check --token (and --binding)" : ""
            throw RuntimeFailure(
                message: "\(target) did not list its teams: \(error)\(hint)", code: Self.badAnswerCode)
        } catch {
            throw RuntimeFailure(message: "\(target) did not list its teams: \(error)", code: Self.badAnswerCode)
        }
    }

    /// Opens and closes one TCP connection to the target's host and port, so that an unreachable
    /// target fails at once: the HTTP client retries a refused connection until its request deadline.
    private func probe() async throws(RuntimeFailure) {
        guard let url = URL(string: target), let host = url.host else {
            throw RuntimeFailure(message: "cannot reach \(target): no host in the URL", code: Self.unreachableCode)
        }
        let port = url.port ?? (url.scheme == "https" ? 443 : 80)
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5)).connect(host: host, port: port).get()
            try? await channel.close()
        } catch {
            throw RuntimeFailure(
                message: "cannot reach \(target): \(Self.describe(error))", code: Self.unreachableCode)
        }
    }

    /// A connection failure in a few words.
    private static func describe(_ error: any Error) -> String {
        let cause = (error as? NIOConnectionError)?.connectionErrors.first?.error ?? error
        if let io = cause as? IOError, io.errnoCode == ECONNREFUSED { return "connection refused" }
        if case ChannelError.connectTimeout = cause { return "no connection within 5 seconds" }
        if let failed = error as? NIOConnectionError, failed.connectionErrors.isEmpty {
            return "cannot resolve the host name"
        }
        return "\(cause)"
    }

    /// One error per routing team whose support-side team `teams` lacks, at the team's line:
    /// `team "X" does not exist on URL (teams there: A, B)`.
    static func findings(rules: RoutingRules, teams: [Team], target: String) -> [RulesFinding] {
        let there = teams.isEmpty ? "none" : teams.map(\.name).joined(separator: ", ")
        return rules.teams.compactMap { team in
            let missing: String
            switch team.supportTeam {
            case .name(let name):
                guard !teams.contains(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
                missing = "team \"\(name)\""
            case .id(let id):
                guard !teams.contains(where: { $0.id == id }) else { return nil }
                missing = "team id \"\(id)\""
            }
            return RulesFinding(
                kind: .unknownTeam, line: team.line ?? 1,
                message: "\(missing) does not exist on \(target) (teams there: \(there))")
        }
    }
}
