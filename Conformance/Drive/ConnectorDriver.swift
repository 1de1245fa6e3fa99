import HandoffClient
import HandoffContract
import HandoffRouting

/// Driver mode of `handoff verify`: plays the end users on the bot's side of a connector (the HandoffKit
/// driver protocol or Rasa's REST and callback channels), plays the agent on the mock, and judges both sides
/// with the ``DriveCatalogue`` scenarios, one after the other.
public struct ConnectorDriver: Sendable {
    /// Base URL of the mock.
    public let target: String
    /// The mock workspace's token (it reads the support side and plays the agent).
    public let token: String
    /// What to drive and how patiently.
    public let options: DriveOptions
    /// The senders the scenarios made leave the chat.
    public let leavers = DriveLeavers()

    /// Creates a driver for a mock, its workspace token and a connector.
    public init(target: String, token: String = "dev-token", options: DriveOptions) {
        self.target = target
        self.token = token
        self.options = options
    }

    /// Runs the selected scenarios in catalogue order; `progress` hears each result. Throws ``DriveError`` when
    /// the driver or callback URL is not on loopback or the callback cannot be served; an unreachable or failing
    /// connector fails the scenarios instead.
    public func run(progress: @Sendable (CaseResult) -> Void = { _ in }) async throws -> [CaseResult] {
        try options.validate()
        let store = ReceivedStore()
        let listener =
            options.channel == .rasa ? try await RasaCallbackListener.start(callback: options.callback, store: store) : nil
        var results: [CaseResult] = []
        var journey: Journey?
        do {
            for testCase in DriveCatalogue.all
            where options.only.isEmpty || options.only.contains(where: { Glob.matches($0, testCase.id) }) {
                let started = ContinuousClock.now
                let outcome = try await outcome(of: testCase.id, store: store, journey: &journey)
                let result = CaseResult(testCase: testCase, outcome: outcome, duration: ContinuousClock.now - started)
                results.append(result)
                progress(result)
            }
        } catch {
            await listener?.stop()
            throw error
        }
        await listener?.stop()
        return results
    }

    /// Runs one scenario with its own log of exchanges; only cancellation escapes.
    private func outcome(of id: String, store: ReceivedStore, journey: inout Journey?) async throws -> CaseOutcome {
        let log = DriveLog()
        let calls = DriverCalls(driver: options.driver, callSeconds: options.callSeconds, log: log)
        let speaker: any EndUserChannel =
            switch options.channel {
            case .handoff: HandoffUserChannel(calls: calls)
            case .rasa: RasaUserChannel(calls: calls, store: store)
            }
        let channel = LeaveRecordingChannel(inner: speaker, leavers: leavers)
        let scenarios = DriveScenarios(
            options: options, support: SupportSide(target: target, token: token, callSeconds: options.callSeconds, log: log),
            channel: channel, log: log, store: store, router: options.rules.map(Router.init(rules:)))
        do {
            try await scenarios.run(id, &journey)
            return .passed
        } catch let failure as CaseFailure where failure.exchanges.isEmpty {
            return .failed(message: failure.message, exchanges: Array(log.all.suffix(8)))
        } catch let error where CaseOutcome(thrown: error) != nil {
            return CaseOutcome(thrown: error)!
        } catch let error as ClientError {
            return .failed(
                message: "the mock did not answer as expected, so the scenario could not go on: \(error)",
                exchanges: [error.exchange])
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return .failed(message: "unexpected error: \(error)", exchanges: Array(log.all.suffix(8)))
        }
    }
}
