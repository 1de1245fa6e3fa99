import Foundation
import HandoffClient
import HandoffContract

/// A case failed: what was expected, what came, and the exchanges that showed it.
public struct CaseFailure: Error, Sendable, CustomStringConvertible {
    /// The mismatch, e.g. "state: got 'bot', want 'queued'".
    public var message: String
    /// The HTTP exchanges that broke it (filled in by the runner from the case's log).
    public var exchanges: [HTTPExchange]

    /// Creates a failure.
    public init(_ message: String, exchanges: [HTTPExchange] = []) {
        self.message = message
        self.exchanges = exchanges
    }

    /// The message.
    public var description: String { message }
}

/// A case cannot run against this target (it lacks a capability); never counted as a pass.
public struct CaseSkip: Error, Sendable {
    /// Why.
    public var reason: String
}

/// Fails unless `condition` holds.
public func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw CaseFailure(message()) }
}

/// Fails unless `actual == expected`, saying which value differed.
public func checkEqual<T: Equatable>(_ actual: T, _ expected: T, _ what: String) throws {
    if actual != expected { throw CaseFailure("\(what): got \(show(actual)), want \(show(expected))") }
}

/// Fails unless `body` is refused with one of the given contract codes (and a 4xx status, or a refusal
/// by the binding before sending, for rules the target leaves to its clients). A success, a 5xx or
/// another code fails the case.
public func checkRefused(
    _ codes: [String], _ what: String, _ body: () async throws -> Void
) async throws {
    do {
        try await body()
    } catch let error as ClientError {
        if error.refusedByBinding {
            // The target leaves this rule to its clients; the binding kept it without sending anything.
            guard let code = error.code, codes.contains(code) else {
                throw CaseFailure(
                    "\(what): the binding refused it with code \(show(error.code ?? "(none)")), want \(codes.map(show).joined(separator: " or "))"
                )
            }
            return
        }
        guard let status = error.exchange.status else { throw CaseFailure("\(what): no response (\(error))") }
        guard (400..<500).contains(status) else {
            throw CaseFailure("\(what): got status \(status), want a 4xx with code \(codes.joined(separator: " or "))")
        }
        guard let code = error.code, codes.contains(code) else {
            throw CaseFailure(
                "\(what): got code \(show(error.code ?? "(none)")), want \(codes.map(show).joined(separator: " or "))")
        }
        return
    }
    throw CaseFailure("\(what): it succeeded, want a refusal with code \(codes.joined(separator: " or "))")
}

/// Polls `probe` until it returns a value or `timeout` passes; the failure names what never came.
/// Errors thrown by the probe end the wait at once.
public func eventually<T: Sendable>(
    _ what: String, timeout: Duration = .seconds(5), every interval: Duration = .milliseconds(50),
    _ probe: () async throws -> T?
) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await probe() { return value }
        if ContinuousClock.now >= deadline { throw CaseFailure("\(what): did not happen within \(timeout)") }
        try await Task.sleep(for: interval)
    }
}

/// A value as a report shows it: strings quoted, optionals unwrapped.
func show<T>(_ value: T) -> String {
    if let string = value as? String { return "'\(string)'" }
    if let optional = value as? (any OptionalProtocol) { return optional.shown }
    return "\(value)"
}

protocol OptionalProtocol {
    var shown: String { get }
}

extension Optional: OptionalProtocol {
    var shown: String {
        switch self {
        case .none: "nil"
        case .some(let value): show(value)
        }
    }
}
