/// The demo's routing rules, for the default seed's teams (a fuller file is examples/routing.yaml).
enum DemoRules {
    static let yaml = """
        teams:
          - name: Billing
            intents: [billing.*, payments.*]
          - name: Technical Support
            intents: [tech.*, app.*]
          - name: General Support
            intents: [account.*]
        rules:
          - name: VIP customers
            when: { attribute: vip, equals: true }
            team: General Support
        fallback: ask
        ask:
          choices:
            - { label: Billing, team: Billing, synonyms: [invoice, refund] }
            - { label: Technical problem, team: Technical Support }
            - { label: Something else, team: General Support }
        availability:
          alternates: { Billing: [General Support] }
        """
}
