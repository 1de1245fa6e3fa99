import Foundation
import HandoffClient
import HandoffContract
import Logging

/// Runs the catalogue against one target through one binding: independent cases concurrently,
/// cases that change shared state alone, each with its own fresh user and conversation and a timeout.
public struct SuiteRunner: Sendable {
    /// How the suite reaches the target.
    public let binding: any ConformanceBinding
    /// What to run.
    public let options: SuiteOptions
    /// Where the runner logs.
    public let logger: Logger

    /// Creates a runner.
    public init(binding: any ConformanceBinding, options: SuiteOptions, logger: Logger) {
        self.binding = binding
        self.options = options
        self.logger = logger
    }

    struct Environment: Sendable {
        var desk: Bool
        var other: (any SupportSystem, HTTPTransport)?
        var sink: WebhookSink?
        var webhookSecret: String?
        var feedStart: String?
    }

    /// Runs the selected cases; `progress` hears each result as it finishes.
    public func run(
        _ catalogue: [ConformanceCase], progress: @escaping @Sendable (CaseResult) -> Void = { _ in }
    ) async throws -> RunSummary {
        let started = ContinuousClock.now
        let selected = catalogue.filter { options.selects($0.id) }
        let cases = selected.filter { options.waiver($0.id) == nil }
        // Set up only what cases this binding can run need (the others are skipped before they start).
        let needs = Set(cases.map(\.needs).filter { $0.isSubset(of: binding.capabilities) }.flatMap { $0 })
        let setupLog = ExchangeLog()
        let observer: @Sendable (HTTPExchange) -> Void = { setupLog.record($0) }

        var environment = Environment(desk: await binding.desk(observer: observer) != nil)
        if needs.contains(.otherWorkspace) { environment.other = try await binding.otherWorkspace(observer: observer) }
        var subscription: WebhookSubscription?
        let support = binding.support(observer: observer)
        if needs.contains(.webhooks) {
            let secret = "conform-" + UUID().uuidString
            let sink = try await WebhookSink.start(secret: secret, logger: logger)
            do {
                subscription = try await support.subscribeWebhook(url: sink.url, secret: secret)
                environment.sink = sink
                environment.webhookSecret = subscription?.secret
            } catch {
                logger.warning("could not subscribe a webhook; webhook cases will be skipped", metadata: ["error": "\(error)"])
                await sink.stop()
            }
        }
        if needs.contains(.eventFeed) { environment.feedStart = try? await feedEnd(support) }

        var results: [String: CaseResult] = [:]
        let shared = cases.filter { !$0.exclusive }
        let frozen = environment
        await withTaskGroup(of: CaseResult.self) { group in
            var iterator = shared.makeIterator()
            for _ in 0..<max(1, options.concurrency) {
                guard let next = iterator.next() else { break }
                group.addTask { await run(next, frozen) }
            }
            for await result in group {
                results[result.testCase.id] = result
                progress(result)
                if let next = iterator.next() { group.addTask { await run(next, frozen) } }
            }
        }
        for testCase in cases where testCase.exclusive {
            let result = await run(testCase, frozen)
            results[testCase.id] = result
            progress(result)
        }

        if let subscription { try? await support.unsubscribeWebhook(id: subscription.id) }
        await environment.sink?.stop()
        for testCase in selected {
            if let glob = options.waiver(testCase.id) {
                let result = CaseResult(testCase: testCase, outcome: .waived(reason: "waived with --skip \(glob)"), duration: .zero)
                results[testCase.id] = result
                progress(result)
            }
        }
        return RunSummary(
            results: selected.compactMap { results[$0.id] }, binding: binding.name, target: binding.target,
            duration: ContinuousClock.now - started)
    }

    /// Reads the feed to its end, so cases look only at events of this run.
    private func feedEnd(_ support: any SupportSystem) async throws -> String? {
        var cursor: String? = nil
        for _ in 0..<10_000 {
            let page = try await support.events(after: cursor, waitSeconds: 0)
            if page.items.isEmpty { return page.next ?? cursor }
            cursor = page.next
        }
        return cursor
    }

    private func run(_ testCase: ConformanceCase, _ environment: Environment) async -> CaseResult {
        let started = ContinuousClock.now
        let outcome = await outcome(of: testCase, environment)
        let final = expected(outcome, for: testCase)
        return CaseResult(testCase: testCase, outcome: final, duration: ContinuousClock.now - started)
    }

    private func outcome(of testCase: ConformanceCase, _ environment: Environment) async -> CaseOutcome {
        let log = ExchangeLog()
        let observer: @Sendable (HTTPExchange) -> Void = { log.record($0) }
        let needs = testCase.needs.sorted { $0.rawValue < $1.rawValue }
        if let missing = needs.first(where: { !binding.capabilities.contains($0) }) {
            return .notApplicable(reason: "needs \(missing.summary); the \(binding.name) binding has none by design")
        }
        for need in needs {
            switch need {
            case .agentDesk where !environment.desk:
                return .skipped(
                    reason: "needs an agent side; the target has none the suite can drive (against the mock, drop --agent-desk none)")
            case .otherWorkspace where environment.other == nil:
                return .skipped(reason: "needs a second workspace (pass --other-token)")
            case .webhooks where environment.sink == nil:
                return .skipped(reason: "needs webhooks; the subscription failed")
            case .neutralHTTP where binding.raw(observer: observer) == nil:
                return .notApplicable(reason: "needs raw neutral HTTP; the \(binding.name) binding has none by design")
            default: break
            }
        }
        let context = CaseContext(
            caseId: testCase.id, support: binding.support(observer: observer),
            deskBinding: environment.desk ? await binding.desk(observer: observer) : nil,
            rawBinding: binding.raw(observer: observer), otherBinding: environment.other, sink: environment.sink,
            webhookSecret: environment.webhookSecret, binding: binding, feedStart: environment.feedStart, log: log)
        do {
            try await withTimeout(options.caseTimeout) { try await testCase.run(context) }
            return .passed
        } catch let skip as CaseSkip {
            return .skipped(reason: skip.reason)
        } catch let failure as CaseFailure {
            return .failed(message: failure.message, exchanges: Array(log.all.suffix(3)))
        } catch let error as ClientError {
            return .failed(message: "unexpected answer: \(error)", exchanges: [error.exchange])
        } catch let unsupported as UnsupportedOperation {
            return .failed(message: "the target \(unsupported)", exchanges: Array(log.all.suffix(3)))
        } catch is CaseTimeout {
            return .failed(message: "timed out after \(options.caseTimeout)", exchanges: Array(log.all.suffix(3)))
        } catch {
            return .failed(message: "unexpected error: \(error)", exchanges: Array(log.all.suffix(3)))
        }
    }

    private func expected(_ outcome: CaseOutcome, for testCase: ConformanceCase) -> CaseOutcome {
        guard let reason = options.expectedFailures[testCase.id] else { return outcome }
        switch outcome {
        case .failed(let message, _): return .expectedFailure(reason: reason, message: message)
        case .passed: return .unexpectedPass(reason: reason)
        default: return outcome
        }
    }
}

struct CaseTimeout: Error {}

/// Runs `body`, or throws ``CaseTimeout`` after `limit`.
func withTimeout(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            try await body()
            return true
        }
        group.addTask {
            try await Task.sleep(for: limit)
            return false
        }
        let finished = try await group.next() ?? false
        group.cancelAll()
        if !finished { throw CaseTimeout() }
    }
}
