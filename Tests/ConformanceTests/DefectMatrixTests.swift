import Conformance
import Foundation
import HandoffDemo
import MockServer
import Testing

@Suite("Proof that every case can fail")
struct DefectMatrixTests {
    @Test("every MUST case is killed by a defect, every defect kills a case, the clean mock passes; COVERAGE.md agrees")
    func matrix() async throws {
        let result = try await DefectMatrix(logger: quietLogger).run()
        #expect(result.baselineFailures.isEmpty, "clean mock failed \(result.baselineFailures.sorted())")
        #expect(result.survivingMustCases.isEmpty, "MUST cases no defect kills: \(result.survivingMustCases)")
        #expect(result.harmlessDefects.isEmpty, "defects that kill nothing: \(result.harmlessDefects)")

        let coverage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Conformance/COVERAGE.md")
        let text = try String(contentsOf: coverage, encoding: .utf8)
        for testCase in Catalogue.complete where testCase.level == .must {
            let row = text.split(separator: "\n").first { $0.hasPrefix("| \(testCase.id) |") }
            #expect(row != nil && row?.hasSuffix("| — |") == false, "COVERAGE.md has no killer for \(testCase.id); regenerate it")
        }
        for defect in Defect.allCases { #expect(text.contains("`\(defect.rawValue)`"), "COVERAGE.md misses \(defect.rawValue)") }
    }
}
