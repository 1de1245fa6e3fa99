import Conformance
import Foundation
import HandoffClient
import HandoffContract
import Logging
import Testing

@Suite("The chatwoot profile, capabilities and the shipped expected failures")
struct CatalogueTests {
    @Test("the chatwoot profile has at least 12 cases with stable CW ids, all needing Chatwoot's API")
    func profile() {
        let cases = Catalogue.chatwoot
        #expect(cases.count >= 12)
        #expect(cases.allSatisfy { $0.id.wholeMatch(of: /CW-\d{3}/) != nil })
        #expect(Set(cases.map(\.id)).count == cases.count)
        #expect(cases.allSatisfy { $0.profile == .chatwoot && $0.needs.contains(.chatwootAPI) })
        #expect(Set(Catalogue.complete.map(\.id)).count == Catalogue.complete.count)
    }

    @Test("the neutral binding runs the contract's cases as before; the chatwoot binding adds the CW cases")
    func casesPerBinding() {
        let neutral = NeutralBinding(target: "http://127.0.0.1:1", token: "t")
        #expect(Catalogue.cases(for: neutral).map(\.id) == Catalogue.all.map(\.id))
        #expect(!neutral.capabilities.contains(.chatwootAPI))
        let chatwoot = ChatwootBinding(
            account: ChatwootAccount(baseURL: "http://127.0.0.1:1", accountId: 1, inboxId: 1, userToken: "t"))
        #expect(Catalogue.cases(for: chatwoot).map(\.id) == Catalogue.complete.map(\.id))
        #expect(!chatwoot.capabilities.contains(.eventFeed) && !chatwoot.capabilities.contains(.neutralHTTP))
    }

    @Test("every case that reads the feed needs the event feed")
    func feedCases() {
        let feed = Set(Catalogue.all.filter { $0.needs.contains(.eventFeed) }.map(\.id))
        #expect(feed == Set((1...9).map { "EVT-00\($0)" } + ["SEC-010"]))
    }

    @Test("the shipped list parses, names only contract cases, and none that the chatwoot binding skips")
    func shippedList() throws {
        let list = try ChatwootBinding.shippedExpectedFailures()
        #expect(list.count >= 10)
        let chatwoot = ChatwootBinding(
            account: ChatwootAccount(baseURL: "http://127.0.0.1:1", accountId: 1, inboxId: 1, userToken: "t"))
        for (id, reason) in list {
            let testCase = Catalogue.all.first { $0.id == id }
            #expect(testCase != nil, "\(id) is not a contract case")
            #expect(testCase?.needs.isSubset(of: chatwoot.capabilities) == true, "\(id) is skipped on Chatwoot, not failed")
            #expect(reason.count > 20, "\(id) needs a real reason")
        }
        for id in ["MSG-003", "CNV-003", "XFER-006", "EVT-012", "EVT-013"] { #expect(list[id] != nil, "\(id)") }
    }

    static let quiet: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    @Test("on Chatwoot, feed and neutral-HTTP cases are not applicable, with a reason, never failed, without a request")
    func skipsWhatChatwootLacks() async throws {
        let binding = ChatwootBinding(
            account: ChatwootAccount(baseURL: "http://127.0.0.1:9", accountId: 1, inboxId: 1, userToken: "t"),
            agentToken: "agent")
        let summary = try await SuiteRunner(
            binding: binding, options: .init(only: ["EVT-001", "EVT-009", "ERR-001", "SEC-001", "SEC-010"]), logger: Self.quiet
        ).run(Catalogue.cases(for: binding))
        #expect(summary.results.count == 5)
        for result in summary.results {
            guard case .notApplicable(let reason) = result.outcome else {
                Issue.record("\(result.testCase.id) was \(result.outcome.label), want N/A")
                continue
            }
            #expect(reason.contains("the chatwoot binding has none"), "\(result.testCase.id): \(reason)")
        }
        #expect(summary.closingLine == "INCOMPLETE: 0 passed, 0 failed, 0 not run, 5 not applicable")
    }

    @Test("with the neutral binding the CW cases are not applicable: it has no Chatwoot API")
    func neutralSkipsChatwoot() async throws {
        let binding = NeutralBinding(target: "http://127.0.0.1:9", token: "t", useMockDesk: false)
        let summary = try await SuiteRunner(binding: binding, options: .init(only: ["CW-*"]), logger: Self.quiet)
            .run(Catalogue.complete)
        #expect(summary.results.count == Catalogue.chatwoot.count)
        #expect(
            summary.results.allSatisfy {
                if case .notApplicable(let reason) = $0.outcome { reason.contains("Chatwoot's Application API") } else { false }
            })
    }
}
