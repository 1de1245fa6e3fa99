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
            // Every killer the file names must kill the case in this run too (a stale table fails here).
            let named = (row?.split(separator: "|").last ?? "").split(separator: "`").enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }
            for name in named {
                let defect = Defect(rawValue: name)
                #expect(defect != nil, "COVERAGE.md names an unknown defect \(name)")
                if let defect {
                    #expect(
                        result.killed[defect]?.contains(testCase.id) == true,
                        "COVERAGE.md says \(name) kills \(testCase.id), but it did not; regenerate it")
                }
            }
        }
        for defect in Defect.allCases { #expect(text.contains("`\(defect.rawValue)`"), "COVERAGE.md misses \(defect.rawValue)") }
    }
}
