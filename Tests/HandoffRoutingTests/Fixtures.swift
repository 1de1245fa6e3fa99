import HandoffContract
import HandoffRouting
import Testing

/// Rules shared by the routing and ask tests. Line numbers matter to nobody here.
let routingFixture = """
    teams:
      - name: Billing
        intents: [billing.*, me.a.Pay]
      - name: Refunds
        intents: [billing.refund, billing.refund.*]
      - name: Partial refunds
        intents: [billing.refund.partial.*]
      - name: Tech
        supportTeamId: team_3
        intents: [tech.*, app.crash]
      - name: Priority
        supportTeam: General Support
    rules:
      - name: VIP
        when: { attribute: vip, equals: true }
        team: Priority
      - name: Order by phone or email
        when:
          - { slot: order_id, exists: true }
          - { attribute: channel, in: [phone, email] }
        team: Refunds
    fallback: ask
    ask:
      choices:
        - { label: Billing, team: Billing, synonyms: [invoice, facturación] }
        - { label: Technical problem, team: Tech, synonyms: [bug] }
        - { label: Something else, team: Priority }
    """

/// Loads YAML that must have no error, failing the test with the findings otherwise.
func loadRules(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> RoutingRules {
    let report = RulesLoader.check(yaml: yaml)
    let rules = try #require(
        report.rules, "\(report.findings.map(\.description).joined(separator: "\n"))", sourceLocation: sourceLocation)
    return rules
}

/// A router over YAML that must have no error.
func router(_ yaml: String = routingFixture, sourceLocation: SourceLocation = #_sourceLocation) throws -> Router {
    Router(rules: try loadRules(yaml, sourceLocation: sourceLocation))
}

/// The outcome of a decision in one word, for tables: a team name, `ask` or `bot`.
func outcomeName(_ decision: Decision) -> String {
    switch decision.outcome {
    case .team(let team): team.name
    case .ask: "ask"
    case .bot: "bot"
    }
}
