import HandoffClient

/// How one case ended.
public enum CaseOutcome: Sendable {
    /// It held.
    case passed
    /// It broke; the message and the exchanges that showed it.
    case failed(message: String, exchanges: [HTTPExchange])
    /// It did not run (nothing to judge, or something it needs was missing); never a pass. A MUST case
    /// that did not run makes the run INCOMPLETE.
    case skipped(reason: String)
    /// It cannot apply to this kind of target by design (Chatwoot has no event feed, say); listed in the
    /// profile and never a reason for INCOMPLETE.
    case notApplicable(reason: String)
    /// The user waived it (`--skip ID`); written as waived in every report.
    case waived(reason: String)
    /// It broke as the expected-failure list says.
    case expectedFailure(reason: String, message: String)
    /// It is on the expected-failure list but passed: the list can shrink.
    case unexpectedPass(reason: String)

    /// One word for tables: PASS, FAIL, SKIP (did not run), N/A, WAIVED, XFAIL, XPASS.
    public var label: String {
        switch self {
        case .passed: "PASS"
        case .failed: "FAIL"
        case .skipped: "SKIP"
        case .notApplicable: "N/A"
        case .waived: "WAIVED"
        case .expectedFailure: "XFAIL"
        case .unexpectedPass: "XPASS"
        }
    }
}

extension CaseOutcome {
    /// What a check's thrown error says: ``CaseSkip`` did not run, ``CaseNotApplicable`` cannot apply,
    /// ``CaseFailure`` failed with its exchanges; nil for any other error, which each runner words itself.
    init?(thrown error: any Error) {
        switch error {
        case let skip as CaseSkip: self = .skipped(reason: skip.reason)
        case let notApplicable as CaseNotApplicable: self = .notApplicable(reason: notApplicable.reason)
        case let failure as CaseFailure: self = .failed(message: failure.message, exchanges: failure.exchanges)
        default: return nil
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
    /// Cases that did not run (nothing to judge, or something they need was missing).
    public var skipped: Int { results.filter { if case .skipped = $0.outcome { true } else { false } }.count }
    /// Cases that cannot apply to this kind of target by design.
    public var notApplicable: Int { results.filter { if case .notApplicable = $0.outcome { true } else { false } }.count }
    /// Cases the user waived.
    public var waived: Int { results.filter { if case .waived = $0.outcome { true } else { false } }.count }
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
    /// MUST cases that did not run: any of them leaves the run incomplete.
    public var mustNotRun: [CaseResult] {
        results.filter { result in
            if case .skipped = result.outcome { return result.testCase.level == .must }
            return false
        }
    }
    /// FAILS when a MUST case failed; INCOMPLETE when none failed but a MUST case did not run, or nothing
    /// ran at all; CONFORMS only when every MUST case that applies ran and passed (or was waived).
    public var verdict: Verdict {
        if !mustFailures.isEmpty { return .fails }
        if !mustNotRun.isEmpty { return .incomplete }
        return passed + expectedFailures > 0 ? .conforms : .incomplete
    }
    /// True only for the CONFORMS verdict.
    public var conforms: Bool { verdict == .conforms }

    /// The closing line: `CONFORMS: N passed, N failed, N not run` and, when there are any, the cases not
    /// applicable, waived and expected to fail.
    public var closingLine: String {
        var line = "\(verdict.rawValue): \(passed) passed, \(failed) failed, \(skipped) not run"
        if notApplicable > 0 { line += ", \(notApplicable) not applicable" }
        if waived > 0 { line += ", \(waived) waived" }
        if expectedFailures > 0 { line += ", \(expectedFailures) expected failures" }
        return line
    }
}

/// What a run concludes.
public enum Verdict: String, Sendable, Codable {
    /// Every MUST case that applies ran and passed.
    case conforms = "CONFORMS"
    /// A MUST case failed.
    case fails = "FAILS"
    /// No MUST case failed, but some did not run: the run cannot certify anything.
    case incomplete = "INCOMPLETE"

    /// The process exit code: 0, 1 or 3 (2 is kept for a run that could not start).
    public var exitCode: Int32 {
        switch self {
        case .conforms: 0
        case .fails: 1
        case .incomplete: 3
        }
    }
}
