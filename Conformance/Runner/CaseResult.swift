import HandoffClient

/// How one case ended.
public enum CaseOutcome: Sendable {
    /// It held.
    case passed
    /// It broke; the message and the exchanges that showed it.
    case failed(message: String, exchanges: [HTTPExchange])
    /// It could not run here; never a pass.
    case skipped(reason: String)
    /// It broke as the expected-failure list says.
    case expectedFailure(reason: String, message: String)
    /// It is on the expected-failure list but passed: the list can shrink.
    case unexpectedPass(reason: String)

    /// One word for tables: PASS, FAIL, SKIP, XFAIL, XPASS.
    public var label: String {
        switch self {
        case .passed: "PASS"
        case .failed: "FAIL"
        case .skipped: "SKIP"
        case .expectedFailure: "XFAIL"
        case .unexpectedPass: "XPASS"
        }
    }
}

/// A case and how it ended.
public struct CaseResult: Sendable {
    /// Creates a result.
    public init(testCase: ConformanceCase, outcome: CaseOutcome, duration: Duration) {
        self.testCase = testCase
        self.outcome = outcome
        self.duration = duration
    }

    /// The case.
    public let testCase: ConformanceCase
    /// Its outcome.
    public let outcome: CaseOutcome
    /// How long it took.
    public let duration: Duration
}

/// What a run produced.
public struct RunSummary: Sendable {
    /// Every result, in catalogue order.
    public let results: [CaseResult]
    /// The binding's name.
    public let binding: String
    /// The target URL.
    public let target: String
    /// Wall time of the run.
    public let duration: Duration
    /// The suite that ran: `handoff conform` or `handoff verify`.
    public var suite: String = "handoff conform"
    /// That suite's version.
    public var suiteVersion: String = Catalogue.version

    /// Cases that passed, including unexpected passes.
    public var passed: Int {
        results.filter { if case .passed = $0.outcome { true } else if case .unexpectedPass = $0.outcome { true } else { false } }.count
    }
    /// Cases that failed and were not expected to.
    public var failed: Int { results.filter { if case .failed = $0.outcome { true } else { false } }.count }
    /// Cases that could not run.
    public var skipped: Int { results.filter { if case .skipped = $0.outcome { true } else { false } }.count }
    /// Expected failures.
    public var expectedFailures: Int { results.filter { if case .expectedFailure = $0.outcome { true } else { false } }.count }
    /// Expected failures that passed.
    public var unexpectedPasses: [CaseResult] { results.filter { if case .unexpectedPass = $0.outcome { true } else { false } } }
    /// MUST cases that failed: any of them fails the run.
    public var mustFailures: [CaseResult] {
        results.filter { result in
            if case .failed = result.outcome { return result.testCase.level == .must }
            return false
        }
    }
    /// True when no MUST case failed.
    public var conforms: Bool { mustFailures.isEmpty }

    /// The closing line: `N passed, N failed, N skipped`.
    public var closingLine: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }
}
