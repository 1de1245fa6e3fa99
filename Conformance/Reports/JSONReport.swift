import Foundation
import HandoffClient

/// A machine-readable report: the summary and every case with its outcome.
public enum JSONReport {
    struct Exchange: Encodable {
        var method: String
        var path: String
        var requestBody: String?
        var status: Int?
        var responseBody: String
    }

    struct Case: Encodable {
        var id: String
        var level: String
        var profile: String
        var rule: String
        var requirement: String
        var outcome: String
        var message: String?
        var reason: String?
        var durationMs: Int64
        var exchanges: [Exchange]
    }

    struct Report: Encodable {
        var suite: String
        var suiteVersion: String
        var binding: String
        var target: String
        var date: Date
        var verdict: String
        var conforms: Bool
        var passed: Int
        var failed: Int
        var notRun: Int
        var notApplicable: Int
        var waived: Int
        var expectedFailures: Int
        var durationMs: Int64
        var cases: [Case]
    }

    /// The JSON document.
    public static func render(_ summary: RunSummary, date: Date = Date()) throws -> Data {
        let cases = summary.results.map { result -> Case in
            var message: String?
            var reason: String?
            var exchanges: [HTTPExchange] = []
            switch result.outcome {
            case .failed(let text, let seen):
                message = text
                exchanges = seen
            case .skipped(let text), .notApplicable(let text), .waived(let text): reason = text
            case .expectedFailure(let why, let text):
                reason = why
                message = text
            case .unexpectedPass(let why): reason = why
            case .passed: break
            }
            return Case(
                id: result.testCase.id, level: result.testCase.level.rawValue, profile: result.testCase.profile.rawValue,
                rule: result.testCase.rule.rawValue, requirement: result.testCase.requirement, outcome: result.outcome.label,
                message: message, reason: reason, durationMs: milliseconds(result.duration),
                exchanges: exchanges.map {
                    Exchange(
                        method: $0.method, path: $0.path, requestBody: $0.requestBody, status: $0.status, responseBody: $0.responseBody)
                })
        }
        let report = Report(
            suite: summary.suite, suiteVersion: summary.suiteVersion, binding: summary.binding, target: summary.target, date: date,
            verdict: summary.verdict.rawValue, conforms: summary.conforms, passed: summary.passed,
            failed: summary.failed, notRun: summary.skipped, notApplicable: summary.notApplicable, waived: summary.waived,
            expectedFailures: summary.expectedFailures,
            durationMs: milliseconds(summary.duration), cases: cases)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(report)
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
