import Foundation
import Yams

/// Reads and validates a routing rules file, reporting every problem with its line.
///
/// ```yaml
/// version: 1                          # optional; 1 is the only version
/// teams:                              # required
///   - name: Billing                   # the name the rest of the file uses
///     supportTeam: Billing            # support-side team by name (default: name)…
///     # supportTeamId: team_2         # …or by id; not both
///     intents: [billing.*, payments.refund]
///   - name: Technical Support
///     intents: [tech.*]
///   - name: VIP desk
///     supportTeam: General Support
/// rules:                              # optional; before intents, in order, first match wins
///   - name: VIP customers
///     when: { attribute: vip, equals: true }   # or a list of conditions, all of which must hold
///     team: VIP desk                  # tests: equals, notEquals, exists (true/false), in: [a, b]
/// fallback: ask                       # ask (default) | bot | {team: NAME}
/// ask:
///   prompt: Which team can help you best?
///   retry: Sorry, I did not catch that.
///   maxReasks: 2                      # default 2
///   cancelWords: [cancel, stop, nevermind, never mind]
///   giveUp: bot                       # bot | {team: NAME}; default: the fallback's team, else bot
///   choices:
///     - { label: Billing, team: Billing, synonyms: [invoice, facturación] }
///     - { label: Technical problem, team: Technical Support, synonyms: [bug] }
/// availability:
///   alternates:                       # tried in order when the team cannot take the conversation
///     Billing: [VIP desk]
///   otherwise: ask                    # ask | bot | {team: NAME}; default: the fallback
/// ```
///
/// Problems and their severity are listed in ``RulesFinding/Kind``. Keys are case-sensitive; team
/// names are referred to exactly as declared, and must be unique ignoring case.
///
/// What counts as a pattern conflict, precisely:
/// - **duplicate** (error): the same pattern text in two teams; the earlier team would always win it.
/// - **repeated** (warning): the same pattern twice in one team.
/// - **shadowed** (warning): the wildcard with the most segments among those strictly more general
///   than the pattern (`billing.*` for `billing.refund` or `billing.refund.*`) belongs to the same
///   team, so removing the pattern changes no decision. No other pattern can lose everywhere: an
///   exact pattern beats every wildcard, and a wildcard matches infinitely many intents that no
///   finite set of more specific patterns covers.
/// - A dynamic rule is **shadowed** (error) when an earlier rule applies whenever it would: each of
///   the earlier rule's conditions is implied by one of its own (`vip exists` shadows a later
///   `vip equals true`).
public enum RulesLoader: Sendable {
    /// Checks YAML text: every problem, and the rules when there is no error.
    public static func check(yaml: String) -> RulesReport {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            return RulesReport(rules: nil, findings: [syntaxFinding(error)])
        }
        guard let root else {
            let empty = RulesFinding(kind: .missingKey, line: 1, message: "the rules file is empty; it needs 'teams'")
            return RulesReport(rules: nil, findings: [empty])
        }
        var parser = RulesParser()
        parser.parse(root)
        var validator = RulesValidator(parser.draft)
        validator.run()
        let findings = (parser.reader.findings + validator.findings).enumerated()
            .sorted {
                ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
            }
            .map(\.element)
        let failed = findings.contains { $0.severity == .error }
        return RulesReport(rules: failed ? nil : parser.draft.rules, findings: findings)
    }

    /// Loads YAML text, or throws a ``RulesError`` with every finding when any is an error.
    /// Warnings alone do not stop it; ``check(yaml:)`` returns them.
    public static func load(yaml: String, file: String? = nil) throws(RulesError) -> RoutingRules {
        let report = check(yaml: yaml)
        guard let rules = report.rules else { throw RulesError(findings: report.findings, file: file) }
        return rules
    }

    /// Reads and loads a rules file.
    ///
    /// - Throws: ``RulesError`` for a file that cannot be used (an unreadable file is one finding at line 1).
    public static func load(contentsOfFile path: String) throws(RulesError) -> RoutingRules {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let finding = RulesFinding(
                kind: .syntax, line: 1, message: "cannot read the file: \(error.localizedDescription)")
            throw RulesError(findings: [finding], file: path)
        }
        return try load(yaml: text, file: path)
    }

    /// A YAML syntax error as a finding at its line.
    private static func syntaxFinding(_ error: any Error) -> RulesFinding {
        guard let error = error as? YamlError else {
            return RulesFinding(kind: .syntax, line: 1, message: "not YAML: \(error)")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text) at line \($0.mark.line))" } ?? problem
            return RulesFinding(kind: .syntax, line: mark.line, column: mark.column, message: "not YAML: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return RulesFinding(
                kind: .syntax, line: context.mark.line, column: context.mark.column,
                message: "key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) appears twice in one mapping")
        default:
            return RulesFinding(kind: .syntax, line: 1, message: "not YAML: \(error)")
        }
    }
}
