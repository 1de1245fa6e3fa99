import HandoffClient

/// The report for people in a terminal: a line per case as it finishes, a table per profile and
/// the verdict (CONFORMS, FAILS or INCOMPLETE) with its closing line.
public enum ConsoleReport {
    /// One line for a finished case (with the failure indented under it).
    public static func line(_ result: CaseResult) -> String {
        let testCase = result.testCase
        let ms = result.duration.components.seconds * 1000 + result.duration.components.attoseconds / 1_000_000_000_000_000
        var line =
            "\(pad(result.outcome.label, 5)) \(pad(testCase.id, 9)) \(pad(testCase.level.rawValue, 6)) \(testCase.requirement) (\(ms) ms)"
        switch result.outcome {
        case .failed(let message, let exchanges):
            line += "\n        \(message)"
            if let last = exchanges.last {
                line += "\n        last exchange: \(last.method) \(last.path) → \(last.status.map(String.init) ?? "no response")"
            }
        case .skipped(let reason): line += "\n        did not run: \(reason)"
        case .notApplicable(let reason): line += "\n        not applicable: \(reason)"
        case .waived(let reason): line += "\n        \(reason)"
        case .expectedFailure(let reason, _): line += "\n        expected failure: \(reason)"
        case .unexpectedPass(let reason):
            line += "\n        passed although listed as expected to fail (\(reason)): remove it from the list"
        case .passed: break
        }
        return line
    }

    /// The per-profile table, the verdict and the closing line.
    public static func summary(_ summary: RunSummary) -> String {
        var lines = ["", "profile    passed  failed  not run  n/a  waived  xfail"]
        for profile in Profile.allCases {
            let results = summary.results.filter { $0.testCase.profile == profile }
            if results.isEmpty { continue }
            func count(_ label: String...) -> Int { results.filter { label.contains($0.outcome.label) }.count }
            lines.append(
                "\(pad(profile.rawValue, 10)) \(lpad(count("PASS", "XPASS"), 6))  \(lpad(count("FAIL"), 6))  \(lpad(count("SKIP"), 7))  "
                    + "\(lpad(count("N/A"), 3))  \(lpad(count("WAIVED"), 6))  \(lpad(count("XFAIL"), 5))"
            )
        }
        lines.append("")
        let should = summary.results.filter { if case .failed = $0.outcome { $0.testCase.level != .must } else { false } }
        if !should.isEmpty { lines.append("warnings (SHOULD/MAY failed): " + should.map(\.testCase.id).joined(separator: ", ")) }
        if !summary.unexpectedPasses.isEmpty {
            lines.append("expected failures that passed: " + summary.unexpectedPasses.map(\.testCase.id).joined(separator: ", "))
        }
        switch summary.verdict {
        case .conforms: lines.append("CONFORMS: every MUST case that applies ran and passed")
        case .fails: lines.append("FAILS: MUST cases failed: " + summary.mustFailures.map(\.testCase.id).joined(separator: ", "))
        case .incomplete:
            lines.append(
                summary.mustNotRun.isEmpty
                    ? "INCOMPLETE: no case ran, so nothing is certified"
                    : "INCOMPLETE: no MUST case failed, but these did not run, so nothing is certified:")
            for result in summary.mustNotRun {
                if case .skipped(let reason) = result.outcome { lines.append("  \(result.testCase.id)  \(reason)") }
            }
        }
        let seconds = Double(summary.duration.components.seconds) + Double(summary.duration.components.attoseconds) / 1e18
        lines.append("\(summary.binding) binding, \(summary.target), \(String(format: "%.2f", seconds)) s")
        lines.append(summary.closingLine)
        return lines.joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func lpad(_ number: Int, _ width: Int) -> String {
        let text = String(number)
        return text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
