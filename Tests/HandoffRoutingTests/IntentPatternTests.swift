import HandoffRouting
import Testing

@Suite("Intent patterns")
struct IntentPatternTests {
    struct MatchCase: Sendable, CustomTestStringConvertible {
        var pattern: String
        var intent: String
        var matches: Bool
        var testDescription: String { "'\(pattern)' \(matches ? "matches" : "does not match") '\(intent)'" }
    }

    @Test(arguments: [
        MatchCase(pattern: "billing.refund", intent: "billing.refund", matches: true),
        MatchCase(pattern: "billing.refund", intent: "billing.refund.partial", matches: false),
        MatchCase(pattern: "billing.refund", intent: "billing", matches: false),
        MatchCase(pattern: "billing.*", intent: "billing.refund", matches: true),
        MatchCase(pattern: "billing.*", intent: "billing.refund.partial", matches: true),
        MatchCase(pattern: "billing.*", intent: "billing", matches: false),
        MatchCase(pattern: "billing.*", intent: "billingx.y", matches: false),
        MatchCase(pattern: "billing.*", intent: "xbilling.y", matches: false),
        MatchCase(pattern: "billing.*", intent: "billing.", matches: false),
        MatchCase(pattern: "billing.*", intent: "billing..refund", matches: false),
        MatchCase(pattern: "billing.*", intent: "Billing.refund", matches: false),
        // OpenCUI's prefix test let `me.a.Pay` match `me.a.PayLater`; segments are whole here.
        MatchCase(pattern: "me.a.Pay", intent: "me.a.PayLater", matches: false),
        MatchCase(pattern: "me.a.Pay.*", intent: "me.a.PayLater.now", matches: false),
        MatchCase(pattern: "me.a.Pay", intent: "me.a.Pay", matches: true),
        MatchCase(pattern: "me.a.*", intent: "me.a.PayLater", matches: true),
        MatchCase(pattern: "a.b.*", intent: "a.b.c.d.e", matches: true),
        MatchCase(pattern: "a.b.*", intent: "a.bc.d", matches: false),
    ])
    func matching(_ example: MatchCase) throws {
        let pattern = try IntentPattern(parsing: example.pattern)
        #expect(pattern.matches(example.intent) == example.matches)
    }

    @Test(arguments: [
        ("", IntentPatternError.empty),
        ("billing refund", .whitespace("billing refund")),
        ("billing..refund", .emptySegment("billing..refund")),
        (".billing", .emptySegment(".billing")),
        ("billing.", .emptySegment("billing.")),
        ("*", .matchesEverything),
        ("*.refund", .wildcardNotLast("*.refund")),
        ("billing.*.partial", .wildcardNotLast("billing.*.partial")),
        ("bill*", .partialWildcard("bill*")),
        ("billing.re*", .partialWildcard("billing.re*")),
    ])
    func invalid(text: String, error: IntentPatternError) {
        #expect(throws: error) { try IntentPattern(parsing: text) }
    }

    @Test("exact beats wildcard, more segments beat fewer")
    func specificity() throws {
        let exact = try IntentPattern(parsing: "billing.refund")
        let short = try IntentPattern(parsing: "billing.*")
        let long = try IntentPattern(parsing: "billing.refund.*")
        #expect(exact.isMoreSpecific(than: long))
        #expect(exact.isMoreSpecific(than: short))
        #expect(long.isMoreSpecific(than: short))
        #expect(!short.isMoreSpecific(than: long))
        #expect(!long.isMoreSpecific(than: exact))
        #expect(!short.isMoreSpecific(than: short))
        #expect(long.text == "billing.refund.*" && exact.text == "billing.refund")
    }
}
