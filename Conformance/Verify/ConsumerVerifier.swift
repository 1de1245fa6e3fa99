import Foundation
import HandoffContract
import HandoffRouting

/// What to verify and how strictly.
public struct VerifyOptions: Sendable {
    /// The workspace the token must belong to, when given (guards against reading the wrong journal).
    public var workspace: String?
    /// The routing rules the transfers must follow; nil skips CON-005.
    public var rules: RoutingRules?
    /// Read only journal entries after this `seq` (0 reads everything kept).
    public var since: Int
    /// Longest acceptable time to acknowledge a webhook. Default 2 s (the mock itself gives up after 5 s).
    public var ackWithin: Duration
    /// Run only cases whose id matches one of these globs; empty runs all.
    public var only: [String]
    /// Waive cases whose id matches one of these globs: they do not run and every report lists them as waived.
    public var skip: [String]
    /// External ids of users known to have left the chat (the driver's users); closing their handed-off
    /// conversation before an agent acted is right.
    public var leftUsers: Set<String>
    /// Drive the connector first (`--drive`): the suite plays its end users, then the journal of that run is judged.
    public var drive: DriveOptions?

    /// Creates options.
    public init(
        workspace: String? = nil, rules: RoutingRules? = nil, since: Int = 0, ackWithin: Duration = .seconds(2),
        only: [String] = [], skip: [String] = [], leftUsers: Set<String> = [], drive: DriveOptions? = nil
    ) {
        self.workspace = workspace
        self.rules = rules
        self.since = since
        self.ackWithin = ackWithin
        self.only = only
        self.skip = skip
        self.leftUsers = leftUsers
        self.drive = drive
    }
}

extension VerifyOptions {
    /// Whether `--only` selects a case (a waived case is selected: it is reported as waived).
    func selects(_ id: String) -> Bool { only.isEmpty || only.contains { Glob.matches($0, id) } }
    /// The `--skip` glob that waives a case, if any.
    func waiver(_ id: String) -> String? { skip.first { Glob.matches($0, id) } }
}

/// The verifier could not start: the target or the workspace is not what was asked for.
public struct VerifyError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var description: String
}

/// Verifies a connector's own handoff flow after it ran against the mock: reads the workspace's request
/// journal over HTTP (`GET /mock/v1/journal`) and the conversations it names, and checks the contract
/// from the client's side with the ``ConsumerCatalogue`` cases (`CON-001`…).
public struct ConsumerVerifier: Sendable {
    /// The suite's name in reports.
    public static let suiteName = "handoff verify"
    /// The suite's version; bump it when cases change.
    public static let version = "2.0.0"

    /// Base URL of the mock.
    public let target: String
    /// How to read it.
    public let reader: JournalReader
    /// What to verify.
    public let options: VerifyOptions

    /// Creates a verifier for a mock and a workspace token.
    public init(target: String, token: String, options: VerifyOptions = .init()) {
        self.target = target
        self.reader = JournalReader(target: target, token: token)
        self.options = options
    }

    /// What a verification found.
    public struct Outcome: Sendable {
        /// Per case, in catalogue order, and the closing line.
        public var summary: RunSummary
        /// What the verifier read.
        public var trace: HandoffTrace
        /// Things to know that are no case's verdict (entries dropped from the journal, say).
        public var notes: [String]
    }

    /// Reads the journal and runs the cases; `progress` hears each result.
    public func run(progress: @Sendable (CaseResult) -> Void = { _ in }) async throws -> Outcome {
        let started = ContinuousClock.now
        let workspace: String
        do {
            workspace = try await reader.workspaceName()
        } catch {
            throw VerifyError(
                description: "cannot read the workspace of this token at \(target) (is it the mock, and the token known?): \(error)")
        }
        if let wanted = options.workspace, wanted != workspace {
            throw VerifyError(description: "the token belongs to workspace '\(workspace)', not '\(wanted)'")
        }
        var since = options.since
        var driven: [CaseResult] = []
        var leftUsers = options.leftUsers
        if var drive = options.drive {
            // Judge the journal of the driven run only, and let --only and --skip reach the scenarios too.
            since = max(since, try await reader.journal(since: options.since).records.last?.seq ?? options.since)
            drive.rules = drive.rules ?? options.rules
            let selected = DriveCatalogue.all.filter { options.selects($0.id) }
            drive.only = selected.filter { options.waiver($0.id) == nil }.map(\.id)
            let driver = ConnectorDriver(target: target, token: reader.transport.token ?? "", options: drive)
            if !drive.only.isEmpty {
                do {
                    driven = try await driver.run(progress: progress)
                } catch let error as DriveError {
                    throw VerifyError(description: error.description)
                }
            }
            for testCase in selected {
                guard let glob = options.waiver(testCase.id) else { continue }
                let result = CaseResult(testCase: testCase, outcome: .waived(reason: "waived with --skip \(glob)"), duration: .zero)
                driven.append(result)
                progress(result)
            }
            driven.sort { $0.testCase.id < $1.testCase.id }
            leftUsers.formUnion(driver.leavers.all)
        }
        let (records, dropped) = try await reader.journal(since: since)
        var trace = HandoffTrace(records: records)
        for index in trace.conversations.indices {
            var final = try? await reader.conversation(trace.conversations[index].id)
            // A Chatwoot connector keeps the bot's context in the conversation's custom_attributes.
            if let number = final?.number, trace.conversations[index].chatwoot,
                let account = trace.conversations[index].opened.flatMap({ JournalReader.chatwootAccount($0.path) }),
                let attributes = try? await reader.chatwootCustomAttributes(account: account, number: number)
            {
                final?.context = ChatwootMapping.context(from: attributes)
            }
            trace.conversations[index].final = final
            if trace.conversations[index].userId == nil { trace.conversations[index].userId = final?.userId }
        }
        let evidence = ConsumerEvidence(
            trace: trace, teams: (try? await reader.teams()) ?? [], router: options.rules.map(Router.init(rules:)),
            ackWithin: options.ackWithin, leftUsers: leftUsers)
        var notes = ["workspace '\(workspace)': \(records.count) journal entries, \(trace.conversations.count) conversations"]
        if dropped > 0 {
            notes.append(
                "the mock dropped \(dropped) older journal entries (its journal was full): the verdicts see only the rest; "
                    + "raise handoff mock --journal-capacity or DELETE /mock/v1/journal before the run")
        }
        var results = driven
        for consumerCase in ConsumerCatalogue.all where options.selects(consumerCase.id) {
            let caseStarted = ContinuousClock.now
            let outcome =
                options.waiver(consumerCase.id).map { .waived(reason: "waived with --skip \($0)") } ?? consumerCase.outcome(evidence)
            let result = CaseResult(testCase: consumerCase.reportCase, outcome: outcome, duration: ContinuousClock.now - caseStarted)
            results.append(result)
            progress(result)
        }
        let binding = options.drive.map { "drive (\($0.channel.rawValue) channel) + journal" } ?? "journal"
        var summary = RunSummary(results: results, binding: binding, target: target, duration: ContinuousClock.now - started)
        summary.suite = Self.suiteName
        summary.suiteVersion = Self.version
        return Outcome(summary: summary, trace: trace, notes: notes)
    }
}
