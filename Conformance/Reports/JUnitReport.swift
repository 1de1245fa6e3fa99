import Foundation

/// JUnit XML for CI: one test suite per profile, one test case per conformance case.
/// SHOULD and MAY failures are reported as failures with their level in the message; XFAIL as skipped.
public enum JUnitReport {
    /// The XML document.
    public static func render(_ summary: RunSummary) -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        // An INCOMPLETE run adds one failing test case named for its verdict, so CI cannot read it as green.
        let incomplete = summary.verdict == .incomplete ? 1 : 0
        let total = summary.results.count + incomplete
        xml +=
            #"<testsuites name="\#(escape(summary.suite))" tests="\#(total)" failures="\#(summary.failed + incomplete)" skipped="\#(summary.skipped + summary.notApplicable + summary.waived + summary.expectedFailures)" time="\#(seconds(summary.duration))">"#
            + "\n"
        for profile in Profile.allCases {
            let results = summary.results.filter { $0.testCase.profile == profile }
            if results.isEmpty { continue }
            let failures = results.filter { $0.outcome.label == "FAIL" }.count
            let skipped = results.filter { ["SKIP", "N/A", "WAIVED", "XFAIL"].contains($0.outcome.label) }.count
            xml +=
                #"  <testsuite name="\#(profile.rawValue)" tests="\#(results.count)" failures="\#(failures)" skipped="\#(skipped)">"# + "\n"
            for result in results {
                let testCase = result.testCase
                let name = escape("\(testCase.id) [\(testCase.level.rawValue)] \(testCase.requirement)")
                xml += #"    <testcase classname="conformance.\#(profile.rawValue)" name="\#(name)" time="\#(seconds(result.duration))">"#
                switch result.outcome {
                case .passed, .unexpectedPass: break
                case .failed(let message, let exchanges):
                    let detail = exchanges.map { MarkdownReport.describe($0) }.joined(separator: "\n\n")
                    xml +=
                        "\n"
                        + #"      <failure message="\#(escape("[\(testCase.level.rawValue)] \(message)"))">\#(escape(detail))</failure>"#
                        + "\n    "
                case .skipped(let reason):
                    xml += "\n" + #"      <skipped message="\#(escape("did not run: \(reason)"))"/>"# + "\n    "
                case .notApplicable(let reason):
                    xml += "\n" + #"      <skipped message="\#(escape("not applicable: \(reason)"))"/>"# + "\n    "
                case .waived(let reason):
                    xml += "\n" + #"      <skipped message="\#(escape("waived: \(reason)"))"/>"# + "\n    "
                case .expectedFailure(let reason, let message):
                    xml += "\n" + #"      <skipped message="\#(escape("expected failure: \(reason) — \(message)"))"/>"# + "\n    "
                }
                xml += "</testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        if summary.verdict == .incomplete {
            let missing = summary.mustNotRun.map(\.testCase.id).joined(separator: ", ")
            let message = missing.isEmpty ? "no case ran" : "MUST cases that did not run: \(missing)"
            xml += #"  <testsuite name="verdict" tests="1" failures="1" skipped="0">"# + "\n"
            xml += #"    <testcase classname="conformance.verdict" name="INCOMPLETE" time="0.000">"# + "\n"
            xml += #"      <failure message="\#(escape("INCOMPLETE: \(message); nothing is certified"))"/>"# + "\n"
            xml += "    </testcase>\n  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.3f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xD800...0xDFFF).contains(scalar.value) || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "?"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
