import Foundation
import HandoffClient

/// The certificate: target, binding, suite version, date, per-profile results, and every failure
/// with the request and the response that broke it.
public enum MarkdownReport {
    /// The Markdown document.
    public static func render(_ summary: RunSummary, date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        let consumer = summary.suite == ConsumerVerifier.suiteName
        var md = consumer ? "# HandoffKit connector verification report\n\n" : "# HandoffKit conformance report\n\n"
        md += "| | |\n| --- | --- |\n"
        md += "| Target | `\(summary.target)` |\n| Binding | `\(summary.binding)` |\n"
        md += "| Suite | \(summary.suite) \(summary.suiteVersion) |\n| Date | \(formatter.string(from: date)) |\n"
        md += "| Verdict | **\(summary.verdict.rawValue)** (\(verdictRule)) |\n"
        md += "| Result | \(summary.closingLine) |\n\n"
        md +=
            "## Results by profile\n\n| profile | MUST passed | MUST failed | SHOULD/MAY failed | not run | not applicable | waived | XFAIL |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        for profile in Profile.allCases {
            let results = summary.results.filter { $0.testCase.profile == profile }
            if results.isEmpty { continue }
            let mustPassed = results.filter { $0.testCase.level == .must && ["PASS", "XPASS"].contains($0.outcome.label) }.count
            let mustFailed = results.filter { $0.testCase.level == .must && $0.outcome.label == "FAIL" }.count
            let otherFailed = results.filter { $0.testCase.level != .must && $0.outcome.label == "FAIL" }.count
            let skipped = results.filter { $0.outcome.label == "SKIP" }.count
            let xfail = results.filter { $0.outcome.label == "XFAIL" }.count
            let notApplicable = results.filter { $0.outcome.label == "N/A" }.count
            let waived = results.filter { $0.outcome.label == "WAIVED" }.count
            md +=
                "| \(profile.rawValue) | \(mustPassed) | \(mustFailed) | \(otherFailed) | \(skipped) | \(notApplicable) | \(waived) | \(xfail) |\n"
        }
        let failures = summary.results.filter { $0.outcome.label == "FAIL" }
        md += "\n## Failures\n\n"
        if failures.isEmpty { md += "None.\n" }
        for result in failures {
            guard case .failed(let message, let exchanges) = result.outcome else { continue }
            md += "### \(result.testCase.id) (\(result.testCase.level.rawValue), \(result.testCase.profile.rawValue))\n\n"
            md += "Requirement: \(result.testCase.requirement)  \nRule: \(result.testCase.rule.text)\n\n"
            md += "What broke: \(message)\n\n"
            for exchange in exchanges { md += "```http\n\(describe(exchange))\n```\n\n" }
        }
        let other = summary.results.filter { ["SKIP", "N/A", "WAIVED", "XFAIL", "XPASS"].contains($0.outcome.label) }
        if !other.isEmpty {
            md +=
                "## Not run, not applicable, waived and expected failures\n\nSKIP: the case did not run (a MUST case that did not "
                + "run makes the run INCOMPLETE); N/A: it cannot apply to this binding by design; WAIVED: the user waived it.\n\n"
                + "| case | outcome | reason |\n| --- | --- | --- |\n"
            for result in other {
                var reason = ""
                switch result.outcome {
                case .skipped(let text), .notApplicable(let text), .waived(let text), .expectedFailure(let text, _),
                    .unexpectedPass(let text):
                    reason = text
                default: break
                }
                md += "| \(result.testCase.id) | \(result.outcome.label) | \(reason.replacingOccurrences(of: "|", with: "\\|")) |\n"
            }
        }
        md += "\n## All cases\n\n| case | level | profile | outcome | requirement |\n| --- | --- | --- | --- | --- |\n"
        for result in summary.results {
            md +=
                "| \(result.testCase.id) | \(result.testCase.level.rawValue) | \(result.testCase.profile.rawValue) | \(result.outcome.label) | \(result.testCase.requirement) |\n"
        }
        return md
    }

    static let verdictRule =
        "CONFORMS: every MUST case that applies ran and passed; FAILS: a MUST case failed; INCOMPLETE: none failed but some did not run"

    /// A request and its response as text, bodies cut at 2,000 characters.
    public static func describe(_ exchange: HTTPExchange) -> String {
        var text = "\(exchange.method) \(exchange.path)"
        if let body = exchange.requestBody { text += "\n\n\(cut(body))" }
        text += "\n\n→ \(exchange.status.map { "HTTP \($0)" } ?? "no response")"
        if let type = exchange.headers["content-type"] { text += "\ncontent-type: \(type)" }
        if !exchange.responseBody.isEmpty { text += "\n\n\(cut(exchange.responseBody))" }
        return text
    }

    static func cut(_ text: String) -> String {
        text.count > 2000 ? String(text.prefix(2000)) + "… (\(text.count) characters)" : text
    }
}
