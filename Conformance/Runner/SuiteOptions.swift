import Foundation

/// What to run and how.
public struct SuiteOptions: Sendable {
    /// Run only cases whose id matches one of these globs (`XFER-*`); empty runs all.
    public var only: [String]
    /// Waive cases whose id matches one of these globs: they do not run and every report lists them as waived.
    public var skip: [String]
    /// Case id → reason: a failure of such a case counts as XFAIL.
    public var expectedFailures: [String: String]
    /// Cases run at once. Default 8.
    public var concurrency: Int
    /// Time allowed for one case. Default 20 s.
    public var caseTimeout: Duration

    /// Creates options.
    public init(
        only: [String] = [], skip: [String] = [], expectedFailures: [String: String] = [:], concurrency: Int = 8,
        caseTimeout: Duration = .seconds(20)
    ) {
        self.only = only
        self.skip = skip
        self.expectedFailures = expectedFailures
        self.concurrency = concurrency
        self.caseTimeout = caseTimeout
    }

    /// Whether a case id is selected by `only` (a waived case is selected: it is reported as waived).
    public func selects(_ id: String) -> Bool {
        only.isEmpty || only.contains(where: { Glob.matches($0, id) })
    }

    /// The `--skip` glob that waives a case, if any.
    public func waiver(_ id: String) -> String? {
        skip.first { Glob.matches($0, id) }
    }
}

/// Shell-style globs on case ids: `*` any run, `?` one character, case-insensitive.
public enum Glob {
    /// True when `text` matches `pattern`.
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        matches(Array(pattern.uppercased()), 0, Array(text.uppercased()), 0)
    }

    private static func matches(_ p: [Character], _ pi: Int, _ t: [Character], _ ti: Int) -> Bool {
        if pi == p.count { return ti == t.count }
        if p[pi] == "*" {
            for next in ti...t.count where matches(p, pi + 1, t, next) { return true }
            return false
        }
        guard ti < t.count, p[pi] == "?" || p[pi] == t[ti] else { return false }
        return matches(p, pi + 1, t, ti + 1)
    }
}

/// Reads an expected-failure file: one case per line, `ID: reason` (or `ID reason`); `#` starts a comment.
public enum ExpectedFailureFile {
    /// Parses the text; a line without a reason is an error naming the line.
    public static func parse(_ text: String) throws -> [String: String] {
        var entries: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(maxSplits: 1, whereSeparator: { $0 == ":" || $0 == " " })
            guard parts.count == 2 else { throw ExpectedFailureError(line: index + 1, text: trimmed) }
            let reason = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: ": ").union(.whitespaces))
            guard !reason.isEmpty else { throw ExpectedFailureError(line: index + 1, text: trimmed) }
            entries[String(parts[0])] = reason
        }
        return entries
    }
}

/// A line of an expected-failure file without a reason.
public struct ExpectedFailureError: Error, CustomStringConvertible {
    /// Line number, from 1.
    public var line: Int
    /// The line.
    public var text: String
    /// What is wrong.
    public var description: String { "line \(line): '\(text)' needs a case id and a reason (ID: reason)" }
}
