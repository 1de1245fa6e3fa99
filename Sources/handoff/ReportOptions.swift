import ArgumentParser
import Conformance

/// `--junit`, `--json`, `--report`: the report files of `handoff conform` and `handoff verify`.
struct ReportOptions: ParsableArguments {
    @Option(help: "Write a JUnit XML report here.")
    var junit: String?

    @Option(help: "Write a JSON report here.")
    var json: String?

    @Option(help: "Write the Markdown report (the certificate) here.")
    var report: String?

    var files: ReportFiles { ReportFiles(junit: junit, json: json, markdown: report) }
}
