import ArgumentParser
import Conformance
import HandoffContract
import HandoffRouting

extension RouteCommand {
    /// `--check`: every problem of the file, then, with `--target`, every team the target lacks;
    /// one `FILE:LINE: severity: message` line each and a count. Exit 1 on errors.
    func checkFile(_ report: RulesReport) async throws {
        var findings = report.findings
        if let target {
            if let loaded = report.rules {
                let check = RouteTargetCheck(target: target, support: support(target))
                let teams: [Team]
                do {
                    teams = try await check.teams()
                } catch {
                    throw error.exit()
                }
                let missing = RouteTargetCheck.findings(rules: loaded, teams: teams, target: target)
                findings = (findings + missing).sorted { $0.line < $1.line }
                say("\(rules): \(loaded.teams.count) teams looked up on \(target) (\(binding.rawValue) binding)")
            } else {
                say("\(rules): not looked up on \(target): fix the errors below first")
            }
        }
        for finding in findings { say(finding.formatted(file: rules)) }
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.count - errors
        let counts = [(errors, "error"), (warnings, "warning")].map { $0 == 1 ? "1 \($1)" : "\($0) \($1)s" }
        say("\(rules): \(counts.joined(separator: ", "))")
        if errors > 0 { throw ExitCode.failure }
    }

    /// The binding `--binding` names, as `handoff conform` makes it, reading with `--token`.
    private func support(_ target: String) -> any SupportSystem {
        switch binding {
        case .neutral:
            NeutralBinding(target: target, token: token, useMockDesk: false).support { _ in }
        case .chatwoot:
            chatwoot.binding(target: target, token: token, otherToken: nil, agentDesk: false).support { _ in }
        }
    }
}
