import Foundation

/// Where the reports of a run go; nil skips that report.
public struct ReportFiles: Sendable {
    /// JUnit XML path.
    public var junit: String?
    /// JSON path.
    public var json: String?
    /// Markdown certificate path.
    public var markdown: String?

    /// Creates the set.
    public init(junit: String? = nil, json: String? = nil, markdown: String? = nil) {
        self.junit = junit
        self.json = json
        self.markdown = markdown
    }

    /// Writes every report asked for, creating folders; returns the paths written.
    @discardableResult
    public func write(_ summary: RunSummary, date: Date = Date()) throws -> [String] {
        var written: [String] = []
        func save(_ data: Data, _ path: String?) throws {
            guard let path else { return }
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
            written.append(path)
        }
        try save(Data(JUnitReport.render(summary).utf8), junit)
        try save(try JSONReport.render(summary, date: date), json)
        try save(Data(MarkdownReport.render(summary, date: date).utf8), markdown)
        return written
    }
}

/// The catalogue as a table for `--list`.
public enum CatalogueListing {
    /// One line per case: id, level, profile, needs, requirement.
    public static func render(_ cases: [ConformanceCase]) -> String {
        cases.map { testCase in
            let needs = testCase.needs.isEmpty ? "" : " [needs \(testCase.needs.map(\.rawValue).sorted().joined(separator: ", "))]"
            return
                "\(ConsoleReport.pad(testCase.id, 9)) \(ConsoleReport.pad(testCase.level.rawValue, 6)) \(ConsoleReport.pad(testCase.profile.rawValue, 8)) \(testCase.requirement)\(needs)"
        }.joined(separator: "\n") + "\n\(cases.count) cases"
    }
}
